# Source: hashicorp/nomad, command/asset/example-short.nomad.hcl at commit d53ed38fc8d5d0def6a9fcf0033c6d114284b5c1
# (the output of `nomad job init -short`), https://github.com/hashicorp/nomad
job "example" {

  group "cache" {
    network {
      port "db" {
        to = 6379
      }
    }

    task "redis" {
      driver = "docker"

      config {
        image          = "redis:7"
        ports          = ["db"]
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
