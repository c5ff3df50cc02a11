/** The page: sidebar, top bar, the current page, the settings drawer and the dialogs. */
import { useSignal, useSignalEffect } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { apiKey } from './api-client.js';
import { ApiKeyDialog } from './api-key-dialog.js';
import { connectEvents } from './app-events.js';
import { ChatView } from './chat-view.js';
import {
  conversations,
  conversationsLoaded,
  createConversation,
  currentConversation,
  defaultModelId,
  loadStoredConversations,
  updateConversation,
} from './conversations-state.js';
import { ErrorAlert } from './error-alert.js';
import { clearError } from './error-state.js';
import { ModelsPage } from './models-page.js';
import { narrowScreen } from './narrow-screen.js';
import { chatHref, navigate, route } from './router.js';
import { applyEvent, models, refreshAll, refreshModels, serverChecked } from './server-state.js';
import { ServerNotice } from './server-notice.js';
import { SettingsDrawer } from './settings-drawer.js';
import { Sidebar } from './sidebar.js';
import { TopBar } from './top-bar.js';

export function App() {
  const sidebarOpen = useSignal(false);
  const settingsOpen = useSignal(false);

  useEffect(() => {
    void refreshAll();
    void loadStoredConversations();
    let first = true;
    return connectEvents(applyEvent, () => {
      // Events may have been missed while disconnected.
      if (!first) void refreshAll();
      first = false;
    });
  }, []);

  // A model file put into the folder by other means (`gpt4all pull`, a copy) sends no event: the
  // list is asked for again on each change of page and when the tab is shown again.
  useSignalEffect(() => {
    void route.value.page;
    void refreshModels().catch(() => {});
  });
  useEffect(() => {
    const onVisible = () => document.visibilityState === 'visible' && void refreshModels().catch(() => {});
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, []);

  // A key given after the dialog was declined: fetch what was refused without it.
  const keySeen = useRef(apiKey.value);
  useSignalEffect(() => {
    const key = apiKey.value;
    if (key !== keySeen.current) {
      clearError(); // "This server needs an API key" is answered now
      void refreshAll();
    }
    keySeen.current = key;
  });

  // A conversation opened before the models could be listed (no key yet) gets the default model
  // once they are, as it would have had at its start.
  useSignalEffect(() => {
    const current = currentConversation.value;
    if (!current || current.modelId !== null || current.messages.length > 0 || models.value.length === 0) return;
    updateConversation(current.id, (c) => ({ ...c, modelId: defaultModelId() }));
  });

  // The overlay sidebar exists only on a narrow screen: widening the window closes it.
  useSignalEffect(() => {
    if (!narrowScreen.value) sidebarOpen.value = false;
  });
  const closeSidebar = () => {
    sidebarOpen.value = false;
    // After the render that lifts `inert` from the workspace, where the toggle is.
    requestAnimationFrame(() => document.getElementById('sidebar-toggle')?.focus());
  };
  // Esc closes the overlay wherever focus is (Tab can leave the sidebar for the page's body).
  // One listener for the app's life, reading the signals when the key comes: one added when the
  // sidebar opens would be attached only after the paint, and an early Esc would be lost.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      // A rename field's Esc ends the rename only (it prevents the default).
      if (event.key !== 'Escape' || event.defaultPrevented) return;
      if (sidebarOpen.peek() && narrowScreen.peek()) closeSidebar();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, []);
  const closeSettings = () => {
    settingsOpen.value = false;
    document.getElementById('settings-toggle')?.focus();
  };

  // `#/chat` (or an id that no longer exists) opens the latest conversation, or a new one.
  useSignalEffect(() => {
    const current = route.value;
    if (!conversationsLoaded.value || !serverChecked.value || current.page !== 'chat' || currentConversation.value) return;
    const latest = conversations.value[0] ?? createConversation();
    navigate(chatHref(latest.id));
  });

  // On a narrow screen the sidebar is an overlay: close it once a conversation or page is chosen,
  // but not when `#/chat` resolves to the latest conversation by itself (the app finishing loading
  // must not close a sidebar the user just opened).
  const lastRoute = useRef(route.value);
  useSignalEffect(() => {
    const current = route.value;
    const previous = lastRoute.current;
    lastRoute.current = current;
    const resolved = previous.page === 'chat' && previous.conversationId === null && current.page === 'chat';
    if (!resolved) sidebarOpen.value = false;
    // An error belongs to the page it happened on.
    if (previous.page !== current.page) clearError();
  });

  const page = route.value.page;
  // While the overlay sidebar is open, what is behind it can be neither clicked nor tabbed to.
  const overlay = sidebarOpen.value && narrowScreen.value;
  return (
    <div class={`app${sidebarOpen.value ? ' sidebar-open' : ''}`}>
      <Sidebar overlay={overlay} onClose={closeSidebar} />
      {overlay && <div class="sidebar-backdrop" data-testid="sidebar-backdrop" onClick={closeSidebar} />}
      <div class="workspace" inert={overlay}>
        <TopBar
          sidebarOpen={sidebarOpen.value}
          onToggleSidebar={() => (sidebarOpen.value = !sidebarOpen.value)}
          settingsOpen={settingsOpen.value}
          onToggleSettings={() => (settingsOpen.value = !settingsOpen.value)}
        />
        <ServerNotice />
        <ErrorAlert />
        <div class="page-area">
          <main class="page">{page === 'models' ? <ModelsPage /> : <ChatView />}</main>
          {page === 'chat' && settingsOpen.value && currentConversation.value && (
            <SettingsDrawer conversation={currentConversation.value} onClose={closeSettings} />
          )}
        </div>
      </div>
      <ApiKeyDialog />
    </div>
  );
}
