import { readFileSync } from 'node:fs';
import { FaultConfigError, parseFaultConfigText, type FaultConfig } from './config.js';

/** The environment variable naming a fault configuration file for `aws-exec serve` (`--faults` wins over it). */
export const FAULTS_ENV = 'AWS_EXEC_FAULTS';

/** Reads and checks a fault configuration file (JSON). */
export function loadFaultConfigFile(path: string): FaultConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FaultConfigError(`Expected a readable fault configuration file at ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseFaultConfigText(text, `the fault configuration ${path}`);
}
