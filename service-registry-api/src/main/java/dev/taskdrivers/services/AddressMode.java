package dev.taskdrivers.services;

/** Which address a service or check advertises. */
public enum AddressMode {
    /** The driver's network when it asks to be advertised ({@code autoAdvertise}), else the host's. */
    AUTO,
    /** Always the host address and host port. */
    HOST,
    /** Always the driver's network (container IP and mapped port); an error when the driver has none. */
    DRIVER,
    /**
     * The allocation's address and the port's {@code to} ({@link TaskServices#portTo()}: its owner's port map entry
     * for the label), else its host port. The runner gives allocations the host's network, so the allocation's
     * address is the host address.
     */
    ALLOC
}
