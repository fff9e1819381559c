export async function run(_args: string[]): Promise<number> {
  console.log('ike initiate: not built yet');
  return 1;
}
