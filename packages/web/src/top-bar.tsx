/** Menu button (narrow screens), page tabs, model picker and settings toggle. */
import { currentConversation } from './conversations-state.js';
import { MenuIcon } from './icons.js';
import { ModelSelect } from './model-select.js';
import { route } from './router.js';

interface Props {
  sidebarOpen: boolean;
  onToggleSidebar: () => void;
  settingsOpen: boolean;
  onToggleSettings: () => void;
}

export function TopBar({ sidebarOpen, onToggleSidebar, settingsOpen, onToggleSettings }: Props) {
  const page = route.value.page;
  const conversation = currentConversation.value;
  return (
    <header class="top-bar">
      <button
        type="button"
        id="sidebar-toggle"
        class="icon-button sidebar-toggle"
        data-testid="sidebar-toggle"
        aria-label="Conversations"
        aria-expanded={sidebarOpen}
        aria-controls="sidebar"
        onClick={onToggleSidebar}
      >
        <MenuIcon />
      </button>
      <nav aria-label="Pages" class="page-tabs">
        <a href="#/chat" data-testid="nav-chat" aria-current={page === 'chat' ? 'page' : undefined}>
          Chat
        </a>
        <a href="#/models" data-testid="nav-models" aria-current={page === 'models' ? 'page' : undefined}>
          Models
        </a>
      </nav>
      <div class="top-bar-end">
        {page === 'chat' && conversation && <ModelSelect conversation={conversation} />}
        {page === 'chat' && (
          <button
            type="button"
            id="settings-toggle"
            class="button"
            data-testid="settings-toggle"
            aria-expanded={settingsOpen}
            aria-controls="settings"
            onClick={onToggleSettings}
          >
            Settings
          </button>
        )}
      </div>
    </header>
  );
}
