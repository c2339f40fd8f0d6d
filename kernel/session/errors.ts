// What a cell answers when it fails: the execute_reply's error fields.

export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** `at`: where the program was, when it could say (`cell[5]:3 (in Loop)`). */
export function interrupted(at?: string | null): CellError {
  const evalue = at ? `the cell was interrupted at ${at}` : "the cell was interrupted";
  return { ename: "Interrupted", evalue, traceback: [`Interrupted: ${evalue}`] };
}
