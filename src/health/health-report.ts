import type { HealthCheckResult, HealthIndicatorResult } from '@nestjs/terminus';

/** Terminus's result, plus the summary fields readers of `/health` relied on before it. */
export type ReadinessReport = HealthCheckResult & {
  database: { ready: boolean } & Record<string, unknown>;
  broker: { ready: boolean } & Record<string, unknown>;
  backlog: number;
};

export type LivenessReport = HealthCheckResult & { uptimeSeconds: number };

export function readinessReport(result: HealthCheckResult): ReadinessReport {
  const ingestion = result.details.ingestion as { backlog?: number } | undefined;
  return {
    ...result,
    database: summary(result.details, 'database'),
    broker: summary(result.details, 'broker'),
    backlog: ingestion?.backlog ?? 0,
  };
}

export function livenessReport(
  process: HealthIndicatorResult<'process'>,
  uptimeSeconds: number,
): LivenessReport {
  return { status: 'ok', info: process, error: {}, details: process, uptimeSeconds };
}

function summary(
  details: HealthIndicatorResult,
  key: string,
): { ready: boolean } & Record<string, unknown> {
  const { status, ...data } = details[key] ?? { status: 'down' };
  return { ready: status === 'up', ...data };
}
