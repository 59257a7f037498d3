// gRPC's standard health service (grpc.health.v1.Health, Check only), described in code: a grpc-go client that
// dials a connection it was handed (BuildKit's session manager in dockerd, over POST /session) checks it every
// second and drops the connection at the first failure, an unimplemented method included. The protos berth
// generates (BuildKit's, the CRI's) do not carry it, so the descriptor is built here from its four fields.
import { create, createFileRegistry, type DescService } from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  FileDescriptorProtoSchema,
} from '@bufbuild/protobuf/wkt';

const PACKAGE = 'grpc.health.v1';

const registry = createFileRegistry(
  create(FileDescriptorProtoSchema, {
    name: 'grpc/health/v1/health.proto',
    package: PACKAGE,
    syntax: 'proto3',
    messageType: [
      {
        name: 'HealthCheckRequest',
        field: [{ name: 'service', jsonName: 'service', number: 1, type: Type.STRING, label: Label.OPTIONAL }],
      },
      {
        name: 'HealthCheckResponse',
        field: [
          {
            name: 'status',
            jsonName: 'status',
            number: 1,
            type: Type.ENUM,
            typeName: `.${PACKAGE}.HealthCheckResponse.ServingStatus`,
            label: Label.OPTIONAL,
          },
        ],
        enumType: [
          {
            name: 'ServingStatus',
            value: [
              { name: 'UNKNOWN', number: 0 },
              { name: 'SERVING', number: 1 },
              { name: 'NOT_SERVING', number: 2 },
              { name: 'SERVICE_UNKNOWN', number: 3 },
            ],
          },
        ],
      },
    ],
    service: [
      {
        name: 'Health',
        method: [
          {
            name: 'Check',
            inputType: `.${PACKAGE}.HealthCheckRequest`,
            outputType: `.${PACKAGE}.HealthCheckResponse`,
          },
        ],
      },
    ],
  }),
  () => undefined,
);

export const Health = registry.getService(`${PACKAGE}.Health`) as DescService;

/** HealthCheckResponse.ServingStatus.SERVING */
export const SERVING = 1;
