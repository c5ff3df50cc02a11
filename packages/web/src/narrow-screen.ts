/** Whether the window is narrow enough for the overlay layout (the sidebar behind a menu button). */
import { signal } from '@preact/signals';

/** The same width as the `@media` rule of styles.css that switches to the overlay layout. */
const NARROW_QUERY = '(max-width: 720px)';

const query = window.matchMedia(NARROW_QUERY);

export const narrowScreen = signal(query.matches);
query.addEventListener('change', (event) => (narrowScreen.value = event.matches));
