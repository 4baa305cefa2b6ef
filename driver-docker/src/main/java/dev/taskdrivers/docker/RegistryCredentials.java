package dev.taskdrivers.docker;

import com.github.dockerjava.api.model.AuthConfig;

/**
 * Credentials for one registry. The password never appears in {@link #toString()}.
 *
 * @param username the user
 * @param password the password or token
 * @param serverAddress the registry, e.g. {@code 127.0.0.1:5000}
 */
record RegistryCredentials(String username, String password, String serverAddress) {

    AuthConfig toAuthConfig() {
        return new AuthConfig().withUsername(username).withPassword(password).withRegistryAddress(serverAddress);
    }

    @Override
    public String toString() {
        return "RegistryCredentials[username=" + username + ", password=" + dev.taskdrivers.api.Redaction.MASK
                + ", serverAddress=" + serverAddress + "]";
    }
}
