# Source: hashicorp/nomad, e2e/metrics/input/helloworld.nomad at commit 04ce05dfad090db2f1c7ea53abc68a2f5c3bfb64,
# https://github.com/hashicorp/nomad
job "hello" {
  datacenters = ["dc1"]

  update {
    max_parallel = 1
    min_healthy_time = "15s"
    auto_revert = true
  }

  group "hello" {

    count = 3

    task "hello" {
      driver = "raw_exec"

      config {
        command = "local/hello"
      }

      artifact {
        source = "https://s3.amazonaws.com/nomad-community-demo/hellov1"
        destination = "local/hello"
        mode = "file"
      }

      resources {
        cpu    = 500
        memory = 256
        network {
          mbits = 10
          port "web" {}
        }
      }

      service {
        name = "hello"
        tags = ["urlprefix-hello/"]
        port = "web"
        check {
          name     = "alive"
          type     = "http"
          path     = "/"
          interval = "10s"
          timeout  = "2s"
        }
      }
    }
  }
}
