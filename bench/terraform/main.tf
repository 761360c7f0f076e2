# The peer a user would pick instead of this project: the ABC Corp topology of
# examples/abc-corp.json written as Terraform, for `npm run bench` (bench/terraform.ts). The bench
# writes terraform.tfvars.json from that request, with the security-group and NACL rules from the
# same plan functions the workflow uses (src/domain/peering/rules-plan.ts), so both build the same end
# state: two VPCs, the peering and its acceptance, DNS resolution on both sides, a route each way
# in each VPC's main route table, a least-privilege group per side (its allow-all egress removed)
# and the NACL entries in each VPC's default network ACL. 26 resources.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

variable "ec2_endpoint" {
  description = "The EC2 endpoint (moto, or the bench's fault proxy in front of it)."
  type        = string
}

variable "setup_id" {
  description = "Tagged on everything, as the workflow tags its resources with its workflow id."
  type        = string
}

variable "tags" {
  type = map(string)
}

variable "dns_resolution" {
  type = bool
}

variable "requester" {
  type = object({ region = string, cidr_block = string, name = string })
}

variable "accepter" {
  type = object({ region = string, cidr_block = string, name = string })
}

variable "rules" {
  description = "Per side (requester, accepter): the security group's ingress and egress, and the NACL entries."
  type = map(object({
    ingress = list(object({ protocol = string, from_port = number, to_port = number, cidr_block = string, description = string }))
    egress  = list(object({ protocol = string, from_port = number, to_port = number, cidr_block = string, description = string }))
    nacl    = list(object({ rule_number = number, egress = bool, protocol = string, from_port = number, to_port = number, cidr_block = string }))
  }))
}

locals {
  tags = merge(var.tags, { "vpc-peering:setup-id" = var.setup_id })
  # The emulator takes any credentials; real AWS would use the standard chain instead.
  provider_settings = {
    access_key = "test"
    secret_key = "test"
  }
}

provider "aws" {
  alias                       = "requester"
  region                      = var.requester.region
  access_key                  = local.provider_settings.access_key
  secret_key                  = local.provider_settings.secret_key
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  endpoints {
    ec2 = var.ec2_endpoint
  }
  default_tags {
    tags = local.tags
  }
}

provider "aws" {
  alias                       = "accepter"
  region                      = var.accepter.region
  access_key                  = local.provider_settings.access_key
  secret_key                  = local.provider_settings.secret_key
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  endpoints {
    ec2 = var.ec2_endpoint
  }
  default_tags {
    tags = local.tags
  }
}

# DNS hostnames on, as the setup turns them on: remote DNS resolution over a peering needs them.
resource "aws_vpc" "requester" {
  provider             = aws.requester
  cidr_block           = var.requester.cidr_block
  enable_dns_hostnames = var.dns_resolution
  tags                 = { Name = var.requester.name, "vpc-peering:side" = "requester" }
}

resource "aws_vpc" "accepter" {
  provider             = aws.accepter
  cidr_block           = var.accepter.cidr_block
  enable_dns_hostnames = var.dns_resolution
  tags                 = { Name = var.accepter.name, "vpc-peering:side" = "accepter" }
}

resource "aws_vpc_peering_connection" "this" {
  provider    = aws.requester
  vpc_id      = aws_vpc.requester.id
  peer_vpc_id = aws_vpc.accepter.id
  peer_region = var.accepter.region
}

resource "aws_vpc_peering_connection_accepter" "this" {
  provider                  = aws.accepter
  vpc_peering_connection_id = aws_vpc_peering_connection.this.id
  auto_accept               = true
}

# Each side's option is changed in its own region, as the workflow does.
resource "aws_vpc_peering_connection_options" "requester" {
  count                     = var.dns_resolution ? 1 : 0
  provider                  = aws.requester
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.this.id
  requester {
    allow_remote_vpc_dns_resolution = true
  }
}

resource "aws_vpc_peering_connection_options" "accepter" {
  count                     = var.dns_resolution ? 1 : 0
  provider                  = aws.accepter
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.this.id
  accepter {
    allow_remote_vpc_dns_resolution = true
  }
}

resource "aws_route" "requester" {
  provider                  = aws.requester
  route_table_id            = aws_vpc.requester.main_route_table_id
  destination_cidr_block    = var.accepter.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.this.id
}

resource "aws_route" "accepter" {
  provider                  = aws.accepter
  route_table_id            = aws_vpc.accepter.main_route_table_id
  destination_cidr_block    = var.requester.cidr_block
  vpc_peering_connection_id = aws_vpc_peering_connection_accepter.this.id
}

# Terraform removes a new group's default allow-all egress rule itself.
resource "aws_security_group" "requester" {
  provider    = aws.requester
  name        = "peering-${aws_vpc_peering_connection.this.id}"
  description = "Traffic over VPC peering ${aws_vpc_peering_connection.this.id}"
  vpc_id      = aws_vpc.requester.id
}

resource "aws_security_group" "accepter" {
  provider    = aws.accepter
  name        = "peering-${aws_vpc_peering_connection.this.id}"
  description = "Traffic over VPC peering ${aws_vpc_peering_connection.this.id}"
  vpc_id      = aws_vpc.accepter.id
}

resource "aws_vpc_security_group_ingress_rule" "requester" {
  provider          = aws.requester
  for_each          = { for r in var.rules.requester.ingress : "${r.protocol}-${r.from_port}-${r.to_port}-${r.cidr_block}" => r }
  security_group_id = aws_security_group.requester.id
  ip_protocol       = each.value.protocol
  from_port         = each.value.from_port
  to_port           = each.value.to_port
  cidr_ipv4         = each.value.cidr_block
  description       = each.value.description
}

resource "aws_vpc_security_group_egress_rule" "requester" {
  provider          = aws.requester
  for_each          = { for r in var.rules.requester.egress : "${r.protocol}-${r.from_port}-${r.to_port}-${r.cidr_block}" => r }
  security_group_id = aws_security_group.requester.id
  ip_protocol       = each.value.protocol
  from_port         = each.value.from_port
  to_port           = each.value.to_port
  cidr_ipv4         = each.value.cidr_block
  description       = each.value.description
}

resource "aws_vpc_security_group_ingress_rule" "accepter" {
  provider          = aws.accepter
  for_each          = { for r in var.rules.accepter.ingress : "${r.protocol}-${r.from_port}-${r.to_port}-${r.cidr_block}" => r }
  security_group_id = aws_security_group.accepter.id
  ip_protocol       = each.value.protocol
  from_port         = each.value.from_port
  to_port           = each.value.to_port
  cidr_ipv4         = each.value.cidr_block
  description       = each.value.description
}

resource "aws_vpc_security_group_egress_rule" "accepter" {
  provider          = aws.accepter
  for_each          = { for r in var.rules.accepter.egress : "${r.protocol}-${r.from_port}-${r.to_port}-${r.cidr_block}" => r }
  security_group_id = aws_security_group.accepter.id
  ip_protocol       = each.value.protocol
  from_port         = each.value.from_port
  to_port           = each.value.to_port
  cidr_ipv4         = each.value.cidr_block
  description       = each.value.description
}

resource "aws_network_acl_rule" "requester" {
  provider       = aws.requester
  for_each       = { for e in var.rules.requester.nacl : "${e.egress ? "out" : "in"}-${e.rule_number}" => e }
  network_acl_id = aws_vpc.requester.default_network_acl_id
  rule_number    = each.value.rule_number
  egress         = each.value.egress
  protocol       = each.value.protocol
  rule_action    = "allow"
  cidr_block     = each.value.cidr_block
  from_port      = each.value.from_port
  to_port        = each.value.to_port
}

resource "aws_network_acl_rule" "accepter" {
  provider       = aws.accepter
  for_each       = { for e in var.rules.accepter.nacl : "${e.egress ? "out" : "in"}-${e.rule_number}" => e }
  network_acl_id = aws_vpc.accepter.default_network_acl_id
  rule_number    = each.value.rule_number
  egress         = each.value.egress
  protocol       = each.value.protocol
  rule_action    = "allow"
  cidr_block     = each.value.cidr_block
  from_port      = each.value.from_port
  to_port        = each.value.to_port
}

output "peering_connection_id" {
  value = aws_vpc_peering_connection.this.id
}
