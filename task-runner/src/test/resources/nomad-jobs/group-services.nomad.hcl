# A system job with a group service whose script check names its task, a check that tells deployments how to count
# it, and disk settings: what a single runner ignores is a warning in both formats, at the path of each format.
job "agents" {
  type = "system"

  group "node" {
    ephemeral_disk {
      size = 500
    }

    network {
      port "http" {}
    }

    service {
      port = "http"
      tags = ["agent"]

      check {
        name      = "alive"
        type      = "http"
        path      = "/health"
        interval  = "10s"
        timeout   = "2s"
        on_update = "ignore_warnings"
      }
    }

    service {
      name = "agent-script"

      check {
        type     = "script"
        task     = "agent"
        command  = "/bin/true"
        interval = "30s"
        timeout  = "5s"
      }
    }

    task "setup" {
      driver = "raw_exec"

      lifecycle {
        hook = "prestart"
      }

      config {
        command = "/bin/true"
      }
    }

    task "agent" {
      driver = "raw_exec"

      config {
        command = "/bin/sleep"
        args    = ["3600"]
      }

      resources {
        cpu    = 100
        memory = 64
        disk   = 200
      }
    }
  }
}
