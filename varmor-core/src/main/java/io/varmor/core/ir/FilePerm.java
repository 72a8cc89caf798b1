package io.varmor.core.ir;

/** File permissions a file rule can name. */
public enum FilePerm { READ, WRITE, APPEND, LINK }
