job "parts" {
  type = "service"

  group "app" {
    shutdown_delay = "3s"

    task "init" {
      driver = "raw_exec"

      lifecycle {
        hook    = "prestart"
        sidecar = false
      }

      config {
        command = "/bin/true"
      }
    }

    task "proxy" {
      driver = "raw_exec"

      lifecycle {
        hook    = "poststart"
        sidecar = true
      }

      config {
        command = "/bin/sleep"
        args    = ["3600"]
      }

      logs {
        max_files     = 3
        max_file_size = 2
      }
    }

    task "server" {
      driver         = "raw_exec"
      shutdown_delay = "1500ms"

      config {
        command = "/bin/sleep"
        args    = ["3600"]
      }

      artifact {
        source      = "https://example.com/app.tar.gz"
        destination = "local/app"
        mode        = "dir"

        options {
          checksum = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
        }

        headers {
          X-Token = "abc"
        }
      }

      template {
        data            = "port = [[ env \"NOMAD_PORT_http\" ]]\n"
        destination     = "local/app.conf"
        change_mode     = "signal"
        change_signal   = "SIGHUP"
        splay           = "2s"
        perms           = "0600"
        left_delimiter  = "[["
        right_delimiter = "]]"
      }

      template {
        source      = "local/app/env.tpl"
        destination = "secrets/app.env"
        env         = true
        change_mode = "script"

        change_script {
          command       = "/bin/echo"
          args          = ["changed"]
          timeout       = "10s"
          fail_on_error = true
        }

        wait {
          min = "1s"
          max = "3s"
        }
      }

      logs {
        max_files     = 4
        max_file_size = 5
      }
    }
  }
}
