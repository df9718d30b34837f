// Builds one-node ONNX models (MatMul, Conv, ...) in memory for onnxruntime-node: the subset of
// onnx.proto a single-op graph needs, encoded with protobufjs. Every operand is a graph input.
import protobuf from 'protobufjs';

const ONNX_SUBSET = `
syntax = "proto2";
package onnx;
message AttributeProto {
  enum AttributeType { UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; FLOATS = 6; INTS = 7; }
  optional string name = 1;
  optional float f = 2;
  optional int64 i = 3;
  optional bytes s = 4;
  repeated float floats = 7;
  repeated int64 ints = 8;
  optional AttributeType type = 20;
}
message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  optional string name = 3;
  optional string op_type = 4;
  repeated AttributeProto attribute = 5;
}
message TensorShapeProto {
  message Dimension { optional int64 dim_value = 1; optional string dim_param = 2; }
  repeated Dimension dim = 1;
}
message TypeProto {
  message Tensor { optional int32 elem_type = 1; optional TensorShapeProto shape = 2; }
  optional Tensor tensor_type = 1;
}
message ValueInfoProto { optional string name = 1; optional TypeProto type = 2; }
message GraphProto {
  repeated NodeProto node = 1;
  optional string name = 2;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
}
message OperatorSetIdProto { optional string domain = 1; optional int64 version = 2; }
message ModelProto {
  optional int64 ir_version = 1;
  optional string producer_name = 2;
  optional GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8;
}
`;

const FLOAT = 1; // TensorProto.DataType.FLOAT
const root = protobuf.parse(ONNX_SUBSET).root;
const Model = root.lookupType('onnx.ModelProto');

export type Attr = number | number[];

export interface OneOpGraph {
  op: string;
  inputs: Record<string, number[]>;
  output: number[];
  attributes?: Record<string, Attr>;
  opset?: number;
}

function valueInfo(name: string, shape: number[]) {
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: shape.map((d) => ({ dimValue: d })) } } } };
}

function attribute(name: string, v: Attr) {
  if (Array.isArray(v)) return { name, type: 7, ints: v };
  return Number.isInteger(v) ? { name, type: 2, i: v } : { name, type: 1, f: v };
}

/** Serialized ModelProto of a graph with a single node `op` (float32 in and out). */
export function oneOpModel(g: OneOpGraph): Uint8Array {
  const names = Object.keys(g.inputs);
  const model = {
    irVersion: 8,
    producerName: 'commin-gpu bench',
    opsetImport: [{ domain: '', version: g.opset ?? 18 }],
    graph: {
      name: g.op,
      node: [{ input: names, output: ['y'], name: g.op, opType: g.op, attribute: Object.entries(g.attributes ?? {}).map(([k, v]) => attribute(k, v)) }],
      input: names.map((n) => valueInfo(n, g.inputs[n])),
      output: [valueInfo('y', g.output)],
    },
  };
  const err = Model.verify(model);
  if (err) throw new Error(`ONNX model for ${g.op}: ${err}`);
  return Model.encode(Model.fromObject(model)).finish();
}
