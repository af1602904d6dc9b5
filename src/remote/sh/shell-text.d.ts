/** A `.sh` file imported as its text: Vite (vitest) does it for `?raw`; scripts/build.mjs does the same for esbuild. */
declare module '*.sh?raw' {
  const text: string;
  export default text;
}
