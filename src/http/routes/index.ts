import type { RoutePlugin } from '../deps.ts';
import { authRoutes } from './auth.ts';
import { chatRoutes } from './chats.ts';
import { chattingRoutes } from './chatting.ts';
import { contactRoutes, lidRoutes } from './contacts.ts';
import { groupRoutes } from './groups.ts';
import { profileRoutes } from './profile.ts';
import { observabilityRoutes } from './observability.ts';
import { sessionRoutes } from './sessions.ts';
import { storageRoutes } from './storage.ts';
import { websocketRoutes } from './websocket.ts';

/** Every route module, one per API tag. */
export const routePlugins: RoutePlugin[] = [observabilityRoutes, sessionRoutes, authRoutes, chattingRoutes, chatRoutes, websocketRoutes, storageRoutes, contactRoutes, groupRoutes, profileRoutes, lidRoutes];
