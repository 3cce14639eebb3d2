/**
 * Reading configuration: {@link org.attnflow.api.config.Settings} wraps one HOCON block with its
 * path and turns every mistake into a {@link org.attnflow.api.config.ConfigError} that names the
 * key, the file and line, what was expected and what was found.
 */
package org.attnflow.api.config;
