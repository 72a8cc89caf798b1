package io.varmor.api.io;

import io.varmor.api.Resource;

/**
 * One document of a manifest file, typed, with its source positions.
 *
 * @param index 0-based position of the document in a multi-document file
 */
public record ParsedDocument(Resource resource, SourceMap sourceMap, int index) {}
