// Renders GraphiQL with the settings that the Go handler writes into the page
// as JSON. This file is part of Liên thông, not of the vendored packages. It
// is a file rather than an inline script so that the page's
// Content-Security-Policy can allow scripts from the page's origin only.
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('graphiql-config').textContent);
  var props = {
    fetcher: GraphiQL.createFetcher({ url: config.endpoint }),
    isHeadersEditorEnabled: true,
    defaultEditorToolsVisibility: 'headers',
    // Headers often carry a bearer token, so GraphiQL keeps them out of
    // localStorage. This also hides the setting that would store them.
    shouldPersistHeaders: false,
  };
  if (config.defaultQuery) {
    props.defaultQuery = config.defaultQuery;
  }
  if (config.defaultHeaders) {
    props.defaultHeaders = config.defaultHeaders;
  }
  if (config.defaultTabs) {
    props.defaultTabs = config.defaultTabs;
  }

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, props));
})();
