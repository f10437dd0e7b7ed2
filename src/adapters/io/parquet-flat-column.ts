import type { ColumnChunk, Compressors, DecodedArray, ParquetParsers, SchemaTree } from 'hyparquet';
import { parquetHeader } from 'hyparquet/src/column.js';
import { convert, convertWithDictionary, DEFAULT_PARSERS } from 'hyparquet/src/convert.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { readPlain } from 'hyparquet/src/plain.js';
import { getMaxDefinitionLevel } from 'hyparquet/src/schema.js';

type ColumnDecoder = Parameters<typeof convert>[1];

/** Decoded values of consecutive rows, placed by the row (within the file) of the first one. */
export interface ColumnPiece {
  readonly rowStart: number;
  readonly rowEnd: number;
  readonly values: DecodedArray;
}

/**
 * Decodes a column that is neither a list, a map nor a struct, page by
 * page, with hyparquet's own page decoders (its module files, which its
 * package exports; the version is pinned for that reason). hyparquet's
 * column reader sends every nullable column, which is nearly every column
 * (Spark, pandas and DuckDB write them all nullable), through its general
 * list assembly: that took about 85% of the time to read a file of 30
 * double columns here. A flat column only needs its nulls put back between
 * the values.
 */
export class FlatColumnDecoder {
  private readonly decoder: ColumnDecoder;
  private readonly maxDefinition: number;

  /** `root` is the file's schema tree, `tree` one of its top-level columns without children. */
  constructor(root: SchemaTree, tree: SchemaTree, chunk: ColumnChunk, parsers: Partial<ParquetParsers>, compressors: Compressors) {
    const meta = chunk.meta_data;
    if (!meta) throw new Error(`column "${tree.element.name}" has no metadata`);
    this.decoder = {
      pathInSchema: meta.path_in_schema,
      type: meta.type,
      element: tree.element,
      // From the root, as hyparquet counts levels: the root itself adds none.
      schemaPath: [root, tree],
      codec: meta.codec,
      parsers: { ...DEFAULT_PARSERS, ...parsers },
      compressors,
    };
    this.maxDefinition = getMaxDefinitionLevel(this.decoder.schemaPath);
  }

  /**
   * Values of group rows [from, end) (and possibly some before `from`, in
   * the page that holds it). `bytes` is the whole column chunk; `groupStart`
   * the file row of the group's first row. Pages wholly before `from` are skipped undecoded.
   */
  decode(bytes: Uint8Array, groupStart: number, from: number, end: number): ColumnPiece[] {
    const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
    const pieces: ColumnPiece[] = [];
    let dictionary: DecodedArray | undefined;
    let row = 0;
    while (row < end && reader.offset < bytes.length) {
      const header = parquetHeader(reader);
      const page = bytes.subarray(reader.offset, reader.offset + header.compressed_page_size);
      reader.offset += header.compressed_page_size;
      if (page.length !== header.compressed_page_size) throw new Error(`a page of ${header.compressed_page_size} bytes runs past the column chunk`);
      if (header.type === 'DICTIONARY_PAGE') {
        dictionary = this.dictionary(page, header.uncompressed_page_size, header.dictionary_page_header?.num_values ?? 0);
        continue;
      }
      const rows = header.data_page_header?.num_values ?? header.data_page_header_v2?.num_rows;
      if (rows === undefined) continue; // an index page: nothing to decode
      if (row + rows > from) pieces.push({ rowStart: groupStart + row, rowEnd: groupStart + row + rows, values: this.dataPage(page, header, rows, dictionary) });
      row += rows;
    }
    return pieces;
  }

  private dictionary(page: Uint8Array, size: number, count: number): DecodedArray {
    const plain = decompressPage(page, size, this.decoder.codec, this.decoder.compressors);
    const values = readPlain({ view: new DataView(plain.buffer, plain.byteOffset, plain.byteLength), offset: 0 }, this.decoder.type, count, this.decoder.element.type_length);
    return safeIntegers(convert(values, this.decoder));
  }

  private dataPage(page: Uint8Array, header: ReturnType<typeof parquetHeader>, rows: number, dictionary: DecodedArray | undefined): DecodedArray {
    let levels: ArrayLike<number> | undefined;
    let data: DecodedArray;
    let encoding: string;
    if (header.data_page_header) {
      const plain = decompressPage(page, header.uncompressed_page_size, this.decoder.codec, this.decoder.compressors);
      if (FLAT_ENCODINGS.has(header.data_page_header.encoding)) return this.readFlatPage(plain, header.data_page_header.encoding, rows, dictionary);
      ({ definitionLevels: levels, dataPage: data } = readDataPage(plain, header.data_page_header, this.decoder));
      encoding = header.data_page_header.encoding;
    } else if (header.data_page_header_v2) {
      ({ definitionLevels: levels, dataPage: data } = readDataPageV2(page, header, this.decoder));
      encoding = header.data_page_header_v2.encoding;
    } else {
      throw new Error(`unsupported page type ${header.type}`);
    }
    const values = convertWithDictionary(data, dictionary, encoding as Parameters<typeof convertWithDictionary>[2], this.decoder);
    return withNulls(values, levels, this.maxDefinition, rows);
  }

  /**
   * A version 1 data page in the encodings most writers use, as hyparquet's
   * readDataPage decodes it, but with the definition levels and dictionary
   * indices in typed arrays kept from page to page (see `scratch`).
   * hyparquet makes a fresh array of numbers for each, a megabyte for a
   * page of 123k rows (DuckDB writes a row group's column as one page): on
   * fresh memory, those two arrays cost more than decoding the values.
   */
  private readFlatPage(bytes: Uint8Array, encoding: string, rows: number, dictionary: DecodedArray | undefined): DecodedArray {
    const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
    let levels: Uint8Array | undefined;
    let present = rows;
    if (this.maxDefinition > 0) {
      if (scratch.levels.length < rows) scratch.levels = new Uint8Array(rows);
      levels = scratch.levels.subarray(0, rows);
      readRleBitPackedHybrid(reader, 32 - Math.clz32(this.maxDefinition), levels);
      for (let i = 0; i < rows; i++) if (levels[i] !== this.maxDefinition) present--;
    }
    let values: DecodedArray;
    if (encoding === 'PLAIN') {
      values = convert(readPlain(reader, this.decoder.type, present, this.decoder.element.type_length), this.decoder);
    } else {
      if (!dictionary) throw new Error(`a ${encoding} page comes before its dictionary page`);
      if (scratch.indices.length < present) scratch.indices = new Int32Array(present);
      const indices = scratch.indices.subarray(0, present);
      const width = reader.view.getUint8(reader.offset++);
      if (width === 0) indices.fill(0);
      else readRleBitPackedHybrid(reader, width, indices, reader.view.byteLength - reader.offset);
      values = fromDictionary(dictionary, indices);
    }
    return withNulls(values, levels, this.maxDefinition, rows);
  }
}

/**
 * The definition levels and dictionary indices of the page being decoded,
 * shared by every column of this thread: a page is decoded in one go, and
 * the values are copied out of them before the next page starts.
 */
const scratch = { levels: new Uint8Array(0), indices: new Int32Array(0) };

/** Encodings of version 1 data pages that readFlatPage decodes: plain values, or indices into the dictionary page. */
const FLAT_ENCODINGS = new Set(['PLAIN', 'PLAIN_DICTIONARY', 'RLE_DICTIONARY']);

/**
 * A dictionary of 64-bit integers as numbers when every one is exactly a
 * number (as a record holds them): each row then reads a number, where
 * from a BigInt64Array each read makes a bigint only to be turned back into
 * a number. A dictionary with a larger integer stays as it is.
 */
function safeIntegers(values: DecodedArray): DecodedArray {
  if (!(values instanceof BigInt64Array)) return values;
  const numbers = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const n = Number(values[i]);
    if (!Number.isSafeInteger(n)) return values;
    numbers[i] = n;
  }
  return numbers;
}

/** The dictionary's values at `indices`, in an array of the dictionary's kind (a typed array for numbers). */
function fromDictionary(dictionary: DecodedArray, indices: Int32Array): DecodedArray {
  const n = indices.length;
  const out = (ArrayBuffer.isView(dictionary) ? new (dictionary.constructor as new (length: number) => DecodedArray)(n) : new Array<unknown>(n)) as unknown[];
  const size = dictionary.length;
  for (let i = 0; i < n; i++) {
    const index = indices[i] as number;
    if (index < 0 || index >= size) throw new Error(`a dictionary index ${index} is beyond the dictionary's ${size} values`);
    out[i] = dictionary[index];
  }
  return out as DecodedArray;
}

/** The page's values with a null wherever the definition level says the row has none. */
function withNulls(values: DecodedArray, levels: ArrayLike<number> | undefined, maxDefinition: number, rows: number): DecodedArray {
  // As many values as rows: no nulls (hyparquet drops the levels of such pages).
  if (values.length === rows) return values;
  if (!levels || levels.length !== rows) throw new Error(`a page of ${rows} rows holds ${values.length} values`);
  const out = new Array<unknown>(rows);
  let next = 0;
  for (let i = 0; i < rows; i++) out[i] = levels[i] === maxDefinition ? values[next++] : null;
  if (next !== values.length) throw new Error(`a page's definition levels call for ${next} values but it holds ${values.length}`);
  return out as DecodedArray;
}
