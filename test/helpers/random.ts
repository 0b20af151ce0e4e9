/** Deterministic randomness for fuzzing, fault points and generated data (mulberry32; one copy in seeded-random.mjs). */
export { seededRandom } from './seeded-random.mjs';
