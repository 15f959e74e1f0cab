export async function run(a: string[]) {
  console.log('synth', a);
  return 0;
}
