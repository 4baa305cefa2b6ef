# Source: hashicorp/nomad, e2e/parameterized/input/simple.nomad at commit 18a97dd160bcc0c0ef4bab8a008f5b2b63535c5d,
# https://github.com/hashicorp/nomad
# Copyright IBM Corp. 2015, 2025
# SPDX-License-Identifier: BUSL-1.1

job "periodic" {
  datacenters = ["dc1"]
  type        = "batch"

  constraint {
    attribute = "${attr.kernel.name}"
    operator  = "set_contains_any"
    value     = "darwin,linux"
  }

  parameterized {
    meta_optional = ["i"]
  }

  group "group" {
    task "task" {
      driver = "docker"

      config {
        image   = "busybox:1"
        command = "/bin/sh"
        args    = ["-c", "sleep 5"]
      }
    }
  }
}
