import { useLayoutEffect, useRef } from 'preact/hooks';
import { pickedFromInput, type PickedFile } from '../files/offers';

interface Props {
  onPick: (files: PickedFile[]) => void;
}

/** Reads what an input picked, then clears it so picking the same file again fires `change`. */
function take(input: HTMLInputElement, onPick: (files: PickedFile[]) => void): void {
  const picked = input.files ? pickedFromInput(Array.from(input.files)) : [];
  input.value = '';
  if (picked.length > 0) onPick(picked);
}

/**
 * The two pickers, as labels styled as buttons around visually hidden inputs: the input stays the
 * focusable, labelled control ("Add files", "Add folder") that keyboards and tests reach.
 */
export function AddFiles({ onPick }: Props) {
  const folderInput = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => {
    // Preact has no typed prop for this non-standard attribute; every current browser supports it.
    if (folderInput.current) folderInput.current.webkitdirectory = true;
  }, []);
  return (
    <div class="add-files">
      <label class="button button-primary">
        <input type="file" multiple class="visually-hidden" onChange={(event) => take(event.currentTarget, onPick)} />
        Add files
      </label>
      <label class="button">
        <input
          ref={folderInput}
          type="file"
          multiple
          class="visually-hidden"
          onChange={(event) => take(event.currentTarget, onPick)}
        />
        Add folder
      </label>
    </div>
  );
}
