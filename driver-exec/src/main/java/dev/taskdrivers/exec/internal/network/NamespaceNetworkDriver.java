package dev.taskdrivers.exec.internal.network;

import dev.taskdrivers.api.Driver;
import dev.taskdrivers.api.GroupNetwork;
import dev.taskdrivers.api.GroupNetworkRequest;
import java.util.Optional;

/** A driver whose bridge groups run in the network namespaces of its {@link #groupNetworks()}. */
public interface NamespaceNetworkDriver extends Driver {

    /** The namespaces this driver's bridge groups run in. */
    GroupNetworks groupNetworks();

    @Override
    default boolean createsGroupNetworks() {
        return true;
    }

    @Override
    default GroupNetwork createGroupNetwork(GroupNetworkRequest request) {
        return groupNetworks().create(request);
    }

    @Override
    default Optional<GroupNetwork> findGroupNetwork(String allocId) {
        return groupNetworks().find(allocId);
    }

    @Override
    default void destroyGroupNetwork(String allocId) {
        groupNetworks().destroy(allocId);
    }
}
