# Source: hashicorp/nomad-guides, application-deployment/tomcat/files/tomcat.nomad at commit
# 793cdeabdec445d82eaeb6b8d93d59c6e1f56004, https://github.com/hashicorp/nomad-guides
job "tomcat" {
  datacenters = ["dc1"]

  group "production" {
    task "server" {
      driver = "raw_exec"

      config {
        command = "/usr/local/bin/starttomcat.sh"
      }

      resources {
        network {
          mbits = 10
          port "http" {
            static = "8080"
          }
        }
      }
    }
  }
}
