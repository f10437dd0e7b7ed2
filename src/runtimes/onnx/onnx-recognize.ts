/**
 * Whether a file is an ONNX model: by its `.onnx` extension, or by a head
 * that starts like a serialized ModelProto. Writers (onnx, skl2onnx,
 * PyTorch) put `ir_version` (field 1, a small varint) first, followed by
 * another ModelProto field; JSON, text and other binary formats do not
 * start that way.
 */
export function recognizesOnnx(fileName: string, head: Uint8Array): boolean {
  if (/\.onnx$/i.test(fileName)) return true;
  return looksLikeModelProto(head);
}

const MAX_IR_VERSION = 30;

/** Field number and wire type (as `field:wire`) allowed right after `ir_version`. */
const NEXT_FIELDS = new Set(['2:2', '3:2', '4:2', '5:0', '6:2', '7:2', '8:2', '14:2', '20:2', '25:2']);

function looksLikeModelProto(head: Uint8Array): boolean {
  if (head.length < 3 || head[0] !== 0x08) return false;
  const irVersion = head[1] as number;
  if (irVersion < 1 || irVersion > MAX_IR_VERSION) return false;
  const tag = head[2] as number;
  if (tag >= 0x80) return false;
  return NEXT_FIELDS.has(`${tag >> 3}:${tag & 7}`);
}
