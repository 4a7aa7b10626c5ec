// Runs an ONNX model on ONNX Runtime (CPU, onnxruntime-node) with .npy feeds and writes every
// graph output as OUT_DIR/NAME.npy, so tests can compare it with `blockflow run --out`.
//
//   node run_onnxruntime.mjs MODEL.onnx OUT_DIR [INPUT=FILE.npy]...
//
// Install first (scripts/setup.sh does): cd tests/onnx && npm ci --ignore-scripts
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';

// .npy descr <-> ONNX Runtime tensor type and typed array.
const DTYPES = {
  '<f4': { ort: 'float32', array: Float32Array },
  '<f8': { ort: 'float64', array: Float64Array },
  '<i4': { ort: 'int32', array: Int32Array },
  '<i8': { ort: 'int64', array: BigInt64Array },
  '|u1': { ort: 'uint8', array: Uint8Array },
  '|b1': { ort: 'bool', array: Uint8Array },
};

function readNpy(path) {
  const bytes = readFileSync(path);
  if (bytes.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${path}: not a .npy file`);
  const major = bytes[6];
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', headerStart, headerStart + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)[1];
  if (/'fortran_order':\s*True/.test(header)) throw new Error(`${path}: Fortran order is not supported here`);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const type = DTYPES[descr];
  if (!type) throw new Error(`${path}: dtype ${descr} is not supported here`);
  const data = bytes.subarray(headerStart + headerLength);
  const copy = new Uint8Array(data.length);
  copy.set(data);
  const values = new type.array(copy.buffer, 0, data.length / type.array.BYTES_PER_ELEMENT);
  return new ort.Tensor(type.ort, type.ort === 'bool' ? Uint8Array.from(values) : values, shape);
}

function writeNpy(path, tensor) {
  const descr = Object.keys(DTYPES).find((key) => DTYPES[key].ort === tensor.type);
  if (!descr) throw new Error(`output type ${tensor.type} is not supported here`);
  const shape = tensor.dims.length === 1 ? `(${tensor.dims[0]},)` : `(${tensor.dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix[7] = 0;
  prefix.writeUInt16LE(header.length, 8);
  const data = tensor.data;
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  writeFileSync(path, Buffer.concat([prefix, Buffer.from(header, 'latin1'), body]));
}

async function main() {
  const [model, outDir, ...feedArgs] = process.argv.slice(2);
  if (!model || !outDir) throw new Error('usage: node run_onnxruntime.mjs MODEL.onnx OUT_DIR [INPUT=FILE.npy]...');
  const feeds = {};
  for (const arg of feedArgs) {
    const equals = arg.indexOf('=');
    if (equals <= 0) throw new Error(`feed "${arg}": expected INPUT=FILE.npy`);
    feeds[arg.slice(0, equals)] = readNpy(arg.slice(equals + 1));
  }
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  for (const name of session.inputNames) if (!feeds[name]) throw new Error(`no feed for graph input '${name}'`);
  const results = await session.run(feeds);
  mkdirSync(outDir, { recursive: true });
  for (const name of session.outputNames) writeNpy(join(outDir, `${name}.npy`), results[name]);
  console.log(`onnxruntime ${ort.env.versions.node}: ${session.outputNames.join(', ')}`);
}

main().catch((error) => {
  console.error(`run_onnxruntime: ${error.message}`);
  process.exit(1);
});
