// Renders GraphiQL with the settings that the Go handler writes into the page
// as JSON. This file is part of Liên thông, not of the vendored packages. It
// is a file rather than an inline script so that the page's
// Content-Security-Policy can allow scripts from the page's origin only.
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('graphiql-config').textContent);
  // The default headers, such as the demo's bearer token, go with every
  // request through the fetcher; headers typed into the editor override
  // them. GraphiQL 3.8 sent a tab's query with another tab's operation name
  // when the headers editor was prefilled, so the editor starts empty.
  var fetcherHeaders = config.defaultHeaders ? JSON.parse(config.defaultHeaders) : undefined;
  var props = {
    fetcher: GraphiQL.createFetcher({ url: config.endpoint, headers: fetcherHeaders }),
    isHeadersEditorEnabled: true,
    // Open the variables pane, where the example tabs carry their values,
    // such as the demo dossier code of the first tab.
    defaultEditorToolsVisibility: 'variables',
    // Headers often carry a bearer token, so GraphiQL keeps them out of
    // localStorage. This also hides the setting that would store them.
    shouldPersistHeaders: false,
  };
  if (config.defaultQuery) {
    props.defaultQuery = config.defaultQuery;
  }
  if (config.defaultTabs) {
    props.defaultTabs = config.defaultTabs.map(function (tab) {
      return { query: tab.query, variables: tab.variables };
    });
    // GraphiQL 3.8 opens the first tab of defaultTabs with its query but an
    // empty variables editor: the editor's first value comes from the
    // variables prop or the stored variables, never from the tab. On a first
    // visit, with no tabs stored yet, pass the first tab's variables as the
    // prop. On later visits the stored tabs and variables apply, and setting
    // the prop then would add a tab without a query.
    var firstVisit = true;
    try {
      firstVisit = window.localStorage.getItem('graphiql:tabState') === null;
    } catch (e) {
      // Storage is blocked, so GraphiQL stores nothing either.
    }
    if (firstVisit && config.defaultTabs[0].variables) {
      props.variables = config.defaultTabs[0].variables;
    }
  }

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, props));
})();
