# A service job using the parts of a Nomad job this runner maps: two tasks, group and task networks, services with
# checks, restart policies, env, meta, kill settings and a leader, and scheduler settings it ignores.
job "shop" {
  datacenters = ["eu1"]
  region      = "europe"
  type        = "service"
  priority    = 70
  namespace   = "team-a"

  meta {
    owner = "team-a"
  }

  update {
    max_parallel = 1
  }

  constraint {
    attribute = "${attr.kernel.name}"
    value     = "linux"
  }

  group "web" {
    count = 2

    restart {
      attempts = 3
      interval = "5m"
      delay    = "10s"
      mode     = "delay"
    }

    # reserved (static) ports first: the API JSON lists them before the dynamic ones
    network {
      port "admin" {
        static = 9901
      }
      port "http" {}
    }

    meta {
      tier = 1
    }

    reschedule {
      attempts = 0
    }

    task "server" {
      driver = "raw_exec"
      leader = true

      config {
        command = "/bin/sh"
        args    = ["-c", "exec server --port ${NOMAD_PORT_http} --dc ${node.datacenter}"]
      }

      env {
        GREETING = "hello from ${NOMAD_TASK_NAME}"
        WORKERS  = 4
      }

      kill_timeout = "20s"
      kill_signal  = "SIGINT"

      restart {
        attempts = 1
      }

      resources {
        cpu    = 250
        memory = 128
      }

      service {
        name = "shop-web"
        port = "http"
        tags = ["web", "${NOMAD_DC}"]

        meta {
          version = "2"
        }

        check {
          name     = "alive"
          type     = "http"
          path     = "/health"
          interval = "10s"
          timeout  = "2s"

          header {
            X-Probe = ["nomad"]
          }
        }
      }

      service {
        port = "admin"

        check {
          type     = "tcp"
          interval = "1m30s"
          timeout  = "500ms"
        }
      }
    }

    task "sidecar" {
      driver = "raw_exec"
      user   = "nobody"

      config {
        command = "/bin/sleep"
        args    = ["3600"]
      }

      resources {
        network {
          port "metrics" {}
        }
      }
    }
  }
}
