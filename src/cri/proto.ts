// The generated CRI v1 messages and services (src/gen/cri, made by scripts/gen-cri.sh), under one short path.
export * from '../gen/cri/k8s.io/cri-api/pkg/apis/runtime/v1/api_pb.js';
