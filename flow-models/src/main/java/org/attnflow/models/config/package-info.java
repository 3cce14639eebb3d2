/**
 * A run's configuration: the reference defaults, the user's file and {@code --set} resolved once
 * into a {@link org.attnflow.models.config.ResolvedRun} (every plugin block completed), the
 * training settings, the device and the Guice bindings.
 */
package org.attnflow.models.config;
