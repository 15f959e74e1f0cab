/**
 * ONNX Runtime 1.30's Linux library starts a telemetry client when its environment is created: it writes a device
 * id and an event database under $HOME/.cache/Microsoft/DeveloperTools/.onnxruntime/ (seen here: 2.7 MB after a
 * day of tests) and can upload over HTTPS. A host agent must not write outside its state directory or talk to
 * anyone but its control plane, so telemetry is turned off before the first session is created (the library reads
 * ORT_DISABLE_TELEMETRY then). An operator's explicit setting is left alone.
 */
export function disableOrtTelemetry(env: NodeJS.ProcessEnv = process.env): void {
  if (env.ORT_DISABLE_TELEMETRY === undefined) env.ORT_DISABLE_TELEMETRY = '1';
}
