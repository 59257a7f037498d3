// What berth compose reports while it works, one line per step as Compose v2 prints without a terminal
// (` Container p-web-1  Started`). The CLI decides where the lines go.
export type ResourceKind = 'Network' | 'Volume' | 'Container' | 'Service' | 'Image';

export type Progress = (kind: ResourceKind, name: string, status: string) => void;

export const progressLine = (kind: ResourceKind, name: string, status: string): string =>
  ` ${kind} ${name}  ${status}\n`;
