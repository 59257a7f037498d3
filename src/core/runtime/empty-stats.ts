// The zero values of Docker's stats shapes: what a sample has before (or without) a counter to fill it.
import type { BlkioStats, CpuStats } from '../../spec/docker/stats.js';

export const emptyCpuStats = (): CpuStats => ({
  cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
  throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
});

export const emptyBlkioStats = (): BlkioStats => ({
  io_service_bytes_recursive: null,
  io_serviced_recursive: null,
  io_queue_recursive: null,
  io_service_time_recursive: null,
  io_wait_time_recursive: null,
  io_merged_recursive: null,
  io_time_recursive: null,
  sectors_recursive: null,
});
