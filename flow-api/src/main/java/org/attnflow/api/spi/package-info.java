/**
 * The plugin service-provider interface: a provider declares a type name, a description, its keys
 * with documented defaults and its nested plugin blocks, and builds from a {@link
 * org.attnflow.api.spi.BuildContext}; providers are found with {@link java.util.ServiceLoader}.
 */
package org.attnflow.api.spi;
