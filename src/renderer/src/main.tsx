import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, Unreachable } from './App';
import { connect } from './api/client';
import './styles.css';

const client = connect();
createRoot(document.getElementById('root')!).render(<StrictMode>{'error' in client ? <Unreachable reason={client.error} /> : <App client={client} />}</StrictMode>);
