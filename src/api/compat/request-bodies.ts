// The JSON bodies of the Engine API's create/update routes as Docker's decoder types them (see server/json-body.ts):
// fields of the wrong type are refused with 400 before the route calls the engine.
import { z } from 'zod';
import { goBool, goInt, goString, goStringMap, goStrings, goStruct } from '../server/json-body.js';

export const volumeCreateSchema = goStruct({
  Name: goString,
  Driver: goString,
  DriverOpts: goStringMap,
  Labels: goStringMap,
});

const ipamConfig = goStruct({
  Subnet: goString,
  IPRange: goString,
  Gateway: goString,
  AuxiliaryAddresses: goStringMap,
});
export const networkCreateSchema = goStruct({
  Name: goString,
  Driver: goString,
  Scope: goString,
  Internal: goBool,
  Attachable: goBool,
  Ingress: goBool,
  EnableIPv4: goBool,
  EnableIPv6: goBool,
  CheckDuplicate: goBool,
  ConfigOnly: goBool,
  ConfigFrom: goStruct({ Network: goString }),
  IPAM: goStruct({ Driver: goString, Config: z.array(ipamConfig.unwrap().unwrap()).nullish(), Options: goStringMap }),
  Options: goStringMap,
  Labels: goStringMap,
});

export const endpointSettingsSchema = goStruct({
  IPAMConfig: goStruct({ IPv4Address: goString, IPv6Address: goString, LinkLocalIPs: goStrings }),
  Links: goStrings,
  Aliases: goStrings,
  DNSNames: goStrings,
  MacAddress: goString,
  DriverOpts: goStringMap,
  NetworkID: goString,
  EndpointID: goString,
  Gateway: goString,
  IPAddress: goString,
  IPPrefixLen: goInt,
  GwPriority: goInt,
});

export const networkConnectSchema = goStruct({ Container: goString, EndpointConfig: endpointSettingsSchema });
export const networkDisconnectSchema = goStruct({ Container: goString, Force: goBool });

export const containerUpdateSchema = goStruct({
  Memory: goInt,
  MemorySwap: goInt,
  MemoryReservation: goInt,
  KernelMemory: goInt,
  CpuShares: goInt,
  CpuQuota: goInt,
  CpuPeriod: goInt,
  CpuRealtimePeriod: goInt,
  CpuRealtimeRuntime: goInt,
  NanoCpus: goInt,
  CpusetCpus: goString,
  CpusetMems: goString,
  PidsLimit: goInt,
  BlkioWeight: goInt,
  OomKillDisable: goBool,
  RestartPolicy: goStruct({ Name: goString, MaximumRetryCount: goInt }),
});

/** Docker's strslice.StrSlice: a JSON string is a one-element list. */
const goStrSlice = z.union([z.string().transform((s) => [s]), z.array(z.string())]).nullish();
const goSet = z.record(z.string(), z.looseObject({})).nullish();

/** The container Config half of a create body (HostConfig's fields are checked field by field by its own spec). */
export const containerCreateSchema = goStruct({
  Hostname: goString,
  Domainname: goString,
  User: goString,
  AttachStdin: goBool,
  AttachStdout: goBool,
  AttachStderr: goBool,
  ExposedPorts: goSet,
  Tty: goBool,
  OpenStdin: goBool,
  StdinOnce: goBool,
  Env: goStrings,
  Cmd: goStrSlice,
  Healthcheck: goStruct({
    Test: goStrSlice,
    Interval: goInt,
    Timeout: goInt,
    StartPeriod: goInt,
    StartInterval: goInt,
    Retries: goInt,
  }),
  ArgsEscaped: goBool,
  Image: goString,
  Volumes: goSet,
  WorkingDir: goString,
  Entrypoint: goStrSlice,
  NetworkDisabled: goBool,
  MacAddress: goString,
  OnBuild: goStrings,
  Labels: goStringMap,
  StopSignal: goString,
  StopTimeout: goInt,
  Shell: goStrSlice,
  HostConfig: z.looseObject({}).nullish(),
  NetworkingConfig: goStruct({ EndpointsConfig: z.record(z.string(), endpointSettingsSchema).nullish() }),
});
