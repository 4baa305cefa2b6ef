# Source: hashicorp-education/learn-nomad-getting-started, jobs/pytechco-redis.nomad.hcl at commit 9d3d550d99071c7cc1e6c53ab48c11c101f27f85,
# https://github.com/hashicorp-education/learn-nomad-getting-started (tutorial "Get started with Nomad")
job "pytechco-redis" {
  type = "service"

  group "ptc-redis" {
    count = 1
    network {
      port "redis" {
        to = 6379
      }
    }

    service {
      name     = "redis-svc"
      port     = "redis"
      provider = "nomad"
    }

    task "redis-task" {
      driver = "docker"

      config {
        image = "redis:7.0.7-alpine"
        ports = ["redis"]
      }
    }
  }
}
