# Source: hashicorp/learn-nomad-features, memory-oversubscription/wave.nomad at commit
# cc4adb5e81b12e6d17925588791b8e141b40e46b, https://github.com/hashicorp/learn-nomad-features
job "wave" {
  datacenters = ["dc1"]

  group "wave" {
    task "wave" {
      driver = "docker"

      config {
        force_pull = true
        image = "voiselle/wave:v5"
        args = [ "300", "200", "15", "64", "4" ]
      }

      resources {
        cpu    = 500
        memory = 520
      }
    }
  }
}
