# Source: hashicorp/nomad, e2e/nomadexec/input/busybox.hcl at commit 10364cb25e8261c5a89f37907d2c0c023771233b,
# https://github.com/hashicorp/nomad
# Copyright IBM Corp. 2015, 2025
# SPDX-License-Identifier: BUSL-1.1

job "busybox" {
  constraint {
    attribute = "${attr.kernel.name}"
    value     = "linux"
  }

  group "group" {
    task "task" {
      driver = "docker"

      config {
        image   = "busybox:1"
        command = "/bin/sleep"
        args    = ["infinity"]
      }

      resources {
        cpu    = 500
        memory = 128
      }
    }
  }
}

