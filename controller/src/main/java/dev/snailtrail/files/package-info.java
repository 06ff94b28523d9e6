/**
 * Files that survive a crash at any instant ({@link AtomicFiles}): the store's specs and status and
 * the simulator's saved world are written through it. Uses nothing of the project.
 */
package dev.snailtrail.files;
