# Source: hashicorp/nomad, command/asset/hello.nomad.hcl at commit 030df387a18f1ab159d52407daf2781284e45594
# (a job that `nomad job init` writes), https://github.com/hashicorp/nomad
job "hello-nomad" {
  group "web" {
    network {
      port "http" {
        to = 8080
      }
    }

    task "app" {
      driver = "docker"

      config {
        image          = "laoqui/hello-nomad:v1"
        ports          = ["http"]
        auth_soft_fail = true
      }

      identity {
        env  = true
        file = true
      }

      resources {
        cpu    = 500
        memory = 256
      }
    }
  }
}
