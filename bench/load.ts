import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { Agent, request } from 'node:http';

export interface LoadResult {
  requests: number;
  errors: number;
  /** Per-request latency in milliseconds. */
  latencies: number[];
  seconds: number;
}

export interface LoadPlan {
  bodies: Buffer[];
  concurrency: number;
  durationMs: number;
  /** Requests per second across all workers; unset = as fast as answers come back. */
  rate?: number;
}

type Send = (body: Buffer) => Promise<boolean>;

/** Runs `concurrency` workers sending `bodies` round-robin until the duration is over. */
async function drive(plan: LoadPlan, send: Send): Promise<LoadResult> {
  const result: LoadResult = { requests: 0, errors: 0, latencies: [], seconds: 0 };
  const started = performance.now();
  const end = started + plan.durationMs;
  let next = 0;
  const interval = plan.rate ? 1_000 / plan.rate : 0;
  let scheduled = started;
  const worker = async () => {
    while (performance.now() < end) {
      if (interval) {
        scheduled += interval;
        const wait = scheduled - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const body = plan.bodies[next++ % plan.bodies.length]!;
      const t0 = performance.now();
      const ok = await send(body).catch(() => false);
      result.latencies.push(performance.now() - t0);
      result.requests++;
      if (!ok) result.errors++;
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  result.seconds = (performance.now() - started) / 1_000;
  return result;
}

export async function grpcLoad(
  port: number,
  path: string,
  token: string,
  plan: LoadPlan,
): Promise<LoadResult> {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  const md = new Metadata();
  md.set('authorization', `Bearer ${token}`);
  const identity = (b: Buffer) => b;
  try {
    return await drive(
      plan,
      (body) =>
        new Promise((resolve) =>
          client.makeUnaryRequest(path, identity, identity, body, md, (err) => resolve(err === null)),
        ),
    );
  } finally {
    client.close();
  }
}

export async function httpLoad(
  port: number,
  path: string,
  token: string,
  contentType: string,
  plan: LoadPlan,
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: plan.concurrency });
  try {
    return await drive(
      plan,
      (body) =>
        new Promise((resolve) => {
          const req = request(
            {
              host: '127.0.0.1',
              port,
              path,
              method: 'POST',
              agent,
              headers: {
                'content-type': contentType,
                'content-length': body.length,
                authorization: `Bearer ${token}`,
              },
            },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode === 200));
            },
          );
          req.on('error', () => resolve(false));
          req.end(body);
        }),
    );
  } finally {
    agent.destroy();
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** One row of the benchmark's table. */
export interface PhaseReport {
  phase: string;
  recordsPerSecond: number;
  /** Kafka records written: each carries one session's events from one export. */
  kafkaMessages: number;
  cpuSecondsPer10k: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** A request phase's row: rate, CPU per 10k requests (this process), latency percentiles, errors. */
export function requestPhaseReport(
  phase: string,
  latencies: number[],
  seconds: number,
  cpu: NodeJS.CpuUsage,
  errors: number,
): PhaseReport {
  return {
    phase,
    recordsPerSecond: Math.round(latencies.length / seconds),
    kafkaMessages: 0,
    cpuSecondsPer10k: ((cpu.user + cpu.system) / 1e6 / Math.max(1, latencies.length)) * 10_000,
    p50Ms: Number(percentile(latencies, 50).toFixed(1)),
    p99Ms: Number(percentile(latencies, 99).toFixed(1)),
    errors,
  };
}
