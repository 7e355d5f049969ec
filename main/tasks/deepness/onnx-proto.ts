/**
 * Reads what a Deepness model declares from the ONNX file itself: ModelProto's
 * metadata_props (field 14) and the graph's inputs and outputs with their shapes.
 *
 * Why by hand: onnxruntime-node exposes input/output metadata but not the model's
 * custom metadata map (onnxruntime's Python API has it, the Node one does not), and the
 * few protobuf fields needed here do not justify a protobuf dependency. The reader walks
 * the file by position, skipping the weights (initializers, nodes) without reading them,
 * so a 500 MB model costs a few small reads and no memory.
 *
 * Wire format (protobuf): a field is a varint key (field number << 3 | wire type), then
 * a varint (type 0), 8 bytes (1), a varint length and that many bytes (2), or 4 bytes (5).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { ApiError } from '../../api.ts';

export interface OnnxValueInfo {
  name: string;
  /** TensorProto.DataType (1 = float32, 10 = float16, 7 = int64...); 0 when not a tensor. */
  elemType: number;
  /** Fixed sizes as numbers, symbolic axes as their name ('' when unnamed); null when the shape is not declared. */
  dims: (number | string)[] | null;
}

export interface OnnxModelInfo {
  irVersion: number;
  producer: string;
  opsets: { domain: string; version: number }[];
  /** metadata_props as stored (keys and raw value strings). */
  metadata: Record<string, string>;
  /** Graph inputs that are not initializers (real feeds). */
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

const BLOCK = 64 * 1024;

/** Positional reads with a one-block cache (headers come in runs of small reads). */
class FileBytes {
  private cacheStart = -1;
  private cache = Buffer.alloc(0);
  constructor(
    private readonly fh: FileHandle,
    readonly size: number,
  ) {}

  async read(pos: number, len: number): Promise<Buffer> {
    if (pos < 0 || pos + len > this.size) throw new RangeError('past the end');
    if (this.cacheStart >= 0 && pos >= this.cacheStart && pos + len <= this.cacheStart + this.cache.length) {
      return this.cache.subarray(pos - this.cacheStart, pos - this.cacheStart + len);
    }
    if (len > BLOCK) {
      const buf = Buffer.alloc(len);
      await this.fh.read(buf, 0, len, pos);
      return buf;
    }
    const n = Math.min(BLOCK, this.size - pos);
    const buf = Buffer.alloc(n);
    await this.fh.read(buf, 0, n, pos);
    this.cacheStart = pos;
    this.cache = buf;
    return buf.subarray(0, len);
  }
}

class ProtoError extends Error {}

interface Field {
  no: number;
  wire: number;
  /** Varint value (wire 0). */
  value: number;
  /** Payload [start, end) for wire 2. */
  start: number;
  end: number;
}

function varintAt(buf: Uint8Array, pos: number): [number, number] {
  let v = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= buf.length) throw new ProtoError('a varint runs past the end');
    const b = buf[pos + i];
    v += (b & 0x7f) * mul;
    mul *= 128;
    if ((b & 0x80) === 0) return [v, pos + i + 1];
  }
  throw new ProtoError('a varint is longer than 10 bytes');
}

function skipOrTake(no: number, wire: number, buf: Uint8Array, p: number, limit: number): Field {
  switch (wire) {
    case 0: {
      const [v, next] = varintAt(buf, p);
      return { no, wire, value: v, start: p, end: next };
    }
    case 1:
      return { no, wire, value: 0, start: p, end: p + 8 };
    case 5:
      return { no, wire, value: 0, start: p, end: p + 4 };
    case 2: {
      const [len, next] = varintAt(buf, p);
      if (next + len > limit) throw new ProtoError(`field ${no} claims ${len} bytes past the end of its message`);
      return { no, wire, value: len, start: next, end: next + len };
    }
    default:
      throw new ProtoError(`field ${no} has wire type ${wire}, which ONNX files do not use`);
  }
}

/** Fields of an in-memory message. */
function* fieldsOf(buf: Uint8Array): Generator<Field> {
  let p = 0;
  while (p < buf.length) {
    const [key, next] = varintAt(buf, p);
    const f = skipOrTake(Math.floor(key / 8), key & 7, buf, next, buf.length);
    if (f.end > buf.length) throw new ProtoError(`field ${f.no} runs past the end of its message`);
    yield f;
    p = f.end;
  }
}

/** Fields of a message lying in the file at [start, end), payloads left unread. */
async function* fileFieldsOf(src: FileBytes, start: number, end: number): AsyncGenerator<Field> {
  let p = start;
  while (p < end) {
    // A key and a length fit in 20 bytes.
    const head = await src.read(p, Math.min(20, end - p));
    const [key, next] = varintAt(head, 0);
    const f = skipOrTake(Math.floor(key / 8), key & 7, head, next, end - p);
    const abs = { ...f, start: p + f.start, end: p + f.end };
    if (abs.end > end) throw new ProtoError(`field ${f.no} runs past the end of its message`);
    yield abs;
    p = abs.end;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const text = (buf: Uint8Array, f: Field) => utf8.decode(buf.subarray(f.start, f.end));

function signed64(v: number): number {
  // Negative int64 varints arrive as 2^64 + v (exactly representable only approximately; enough for -1).
  return v >= 2 ** 63 ? v - 2 ** 64 : v;
}

function parseValueInfo(buf: Uint8Array): OnnxValueInfo {
  const vi: OnnxValueInfo = { name: '', elemType: 0, dims: null };
  for (const f of fieldsOf(buf)) {
    if (f.no === 1 && f.wire === 2) vi.name = text(buf, f);
    else if (f.no === 2 && f.wire === 2) {
      const type = buf.subarray(f.start, f.end);
      for (const t of fieldsOf(type)) {
        if (t.no !== 1 || t.wire !== 2) continue; // tensor_type only
        const tensor = type.subarray(t.start, t.end);
        for (const tf of fieldsOf(tensor)) {
          if (tf.no === 1 && tf.wire === 0) vi.elemType = tf.value;
          else if (tf.no === 2 && tf.wire === 2) {
            const shape = tensor.subarray(tf.start, tf.end);
            vi.dims = [];
            for (const d of fieldsOf(shape)) {
              if (d.no !== 1 || d.wire !== 2) continue;
              const dim = shape.subarray(d.start, d.end);
              let value: number | string = '';
              for (const df of fieldsOf(dim)) {
                if (df.no === 1 && df.wire === 0) value = signed64(df.value);
                else if (df.no === 2 && df.wire === 2) value = text(dim, df);
              }
              vi.dims.push(value);
            }
          }
        }
      }
    }
  }
  return vi;
}

async function payload(src: FileBytes, f: Field): Promise<Buffer> {
  if (f.end - f.start > 16 * 1024 * 1024) throw new ProtoError(`a ${f.end - f.start} byte header field is implausibly large`);
  return src.read(f.start, f.end - f.start);
}

/** The name (field 8) of a TensorProto in the file, its data skipped. */
async function tensorName(src: FileBytes, f: Field): Promise<string | null> {
  for await (const t of fileFieldsOf(src, f.start, f.end)) {
    if (t.no === 8 && t.wire === 2) return utf8.decode(await payload(src, t));
  }
  return null;
}

async function parseGraph(src: FileBytes, g: Field, info: OnnxModelInfo): Promise<void> {
  const inits = new Set<string>();
  const inputs: OnnxValueInfo[] = [];
  for await (const f of fileFieldsOf(src, g.start, g.end)) {
    if (f.wire !== 2) continue;
    if (f.no === 11) inputs.push(parseValueInfo(await payload(src, f)));
    else if (f.no === 12) info.outputs.push(parseValueInfo(await payload(src, f)));
    else if (f.no === 5) {
      // Before IR 4 initializers were also listed as inputs; they are weights, not feeds.
      const name = await tensorName(src, f);
      if (name !== null) inits.add(name);
    }
  }
  info.inputs = inputs.filter((i) => !inits.has(i.name));
}

/** Reads the header fields of an ONNX file; E_CORRUPT naming the file when it is not one. */
export async function readOnnxInfo(path: string): Promise<OnnxModelInfo> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw new ApiError('E_NOT_FOUND', `${path}: cannot open the model (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, path);
  }
  try {
    const size = (await fh.stat()).size;
    if (size === 0) throw new ApiError('E_EMPTY', `${path}: the model file is empty`, path);
    const src = new FileBytes(fh, size);
    const info: OnnxModelInfo = { irVersion: 0, producer: '', opsets: [], metadata: {}, inputs: [], outputs: [] };
    let graph: Field | null = null;
    for await (const f of fileFieldsOf(src, 0, size)) {
      if (f.no === 1 && f.wire === 0) info.irVersion = f.value;
      else if (f.no === 2 && f.wire === 2) info.producer = utf8.decode(await payload(src, f));
      else if (f.no === 7 && f.wire === 2) graph = f;
      else if (f.no === 8 && f.wire === 2) {
        const buf = await payload(src, f);
        const op = { domain: '', version: 0 };
        for (const o of fieldsOf(buf)) {
          if (o.no === 1 && o.wire === 2) op.domain = text(buf, o);
          else if (o.no === 2 && o.wire === 0) op.version = o.value;
        }
        info.opsets.push(op);
      } else if (f.no === 14 && f.wire === 2) {
        const buf = await payload(src, f);
        let key = '';
        let value = '';
        for (const e of fieldsOf(buf)) {
          if (e.no === 1 && e.wire === 2) key = text(buf, e);
          else if (e.no === 2 && e.wire === 2) value = text(buf, e);
        }
        info.metadata[key] = value;
      }
    }
    if (!graph || info.irVersion === 0) throw new ProtoError(graph ? 'no ir_version' : 'no graph');
    await parseGraph(src, graph, info);
    return info;
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (err instanceof ProtoError || err instanceof RangeError) {
      throw new ApiError('E_CORRUPT', `${path}: not a readable ONNX model (${err.message})`, path);
    }
    throw err;
  } finally {
    await fh.close();
  }
}
