// The error a gateway client hands back in LLBBridge.Return. buildx's Go client renders a gRPC status it got from
// berthd as `<Code>: <message>` (BuildKit's grpcerrors, for every code but OK and Unknown) and returns that text
// as the status message, with the same code. Control.Solve answers it to the same client, which renders the code
// again: without this the CLI printed `Unimplemented: Unimplemented: platform linux/arm64 is not supported`.
import { ConnectError, Code } from '@connectrpc/connect';

/** Go's names of the gRPC codes (google.golang.org/grpc/codes), as grpcerrors prefixes them. */
const GO_CODE_NAMES: Partial<Record<Code, string>> = {
  [Code.Canceled]: 'Canceled',
  [Code.InvalidArgument]: 'InvalidArgument',
  [Code.DeadlineExceeded]: 'DeadlineExceeded',
  [Code.NotFound]: 'NotFound',
  [Code.AlreadyExists]: 'AlreadyExists',
  [Code.PermissionDenied]: 'PermissionDenied',
  [Code.ResourceExhausted]: 'ResourceExhausted',
  [Code.FailedPrecondition]: 'FailedPrecondition',
  [Code.Aborted]: 'Aborted',
  [Code.OutOfRange]: 'OutOfRange',
  [Code.Unimplemented]: 'Unimplemented',
  [Code.Internal]: 'Internal',
  [Code.Unavailable]: 'Unavailable',
  [Code.DataLoss]: 'DataLoss',
  [Code.Unauthenticated]: 'Unauthenticated',
};

/** The Return's error as Control.Solve's own: its code, the message without the client's rendering of that code. */
export function returnedError(code: number, message: string): ConnectError {
  const name = GO_CODE_NAMES[code as Code];
  const prefix = name ? `${name}: ` : undefined;
  return new ConnectError(prefix && message.startsWith(prefix) ? message.slice(prefix.length) : message, code as Code);
}
