# Source: hashicorp/nomad, e2e/rescheduling/input/rescheduling_success.nomad at commit
# 10364cb25e8261c5a89f37907d2c0c023771233b, https://github.com/hashicorp/nomad
# Copyright IBM Corp. 2015, 2025
# SPDX-License-Identifier: BUSL-1.1

job "test3" {

  datacenters = ["dc1", "dc2"]

  constraint {
    attribute = "${attr.kernel.name}"
    value     = "linux"
  }

  type = "service"

  group "t3" {
    count = 3

    task "t3" {
      driver = "raw_exec"

      config {
        command = "bash"
        args    = ["-c", "a=`cksum <<< \"${NOMAD_ALLOC_ID}\"| cut -d ' ' -f1`; if ! (( a % 2 )); then sleep 5000; else exit -1; fi"]
      }
    }

    restart {
      attempts = 0
      delay    = "0s"
      mode     = "fail"
    }

    reschedule {
      delay          = "5s"
      delay_function = "constant"
      unlimited      = true
    }

  }
}
