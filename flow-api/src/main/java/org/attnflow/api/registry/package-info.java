/**
 * The registry of every plugin a run knows (the application's and those of plugin jars), which
 * checks, completes and builds plugin blocks from configuration.
 */
package org.attnflow.api.registry;
