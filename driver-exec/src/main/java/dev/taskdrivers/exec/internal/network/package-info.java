/**
 * The network namespaces the exec drivers create for the tasks of an allocation whose group is in {@code bridge}
 * network mode, without CNI plugins: a named namespace per allocation ({@code ip netns}), a veth pair into a host
 * bridge of our own with its own private subnet ({@value dev.taskdrivers.exec.internal.network.BridgeSubnet#CIDR}),
 * outbound NAT, and each granted host port forwarded to the task's port inside the namespace by iptables DNAT rules
 * that carry a comment naming the allocation.
 */
package dev.taskdrivers.exec.internal.network;
