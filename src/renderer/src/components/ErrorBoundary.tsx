import { Component, type ReactNode } from 'react';

/** A screen that fails shows what went wrong and a way back, never a blank window. */
export class ErrorBoundary extends Component<{ children: ReactNode; name: string }, { error?: Error }> {
  override state: { error?: Error } = {};

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="banner error" role="alert">
        <strong>The {this.props.name} failed to show:</strong> {this.state.error.message}{' '}
        <button onClick={() => this.setState({ error: undefined })}>Try again</button>
      </div>
    );
  }
}
