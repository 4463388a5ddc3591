function T = load_results(path)
% LOAD_RESULTS  Read a stream-hpc sweep's results.h5 into a MATLAB table (README "Sweeps").
%   T = load_results('run/results.h5');
%   ok = T(T.status == "ok", :);
%   scatter(ok.latency_cycles, ok.energy_pj)
% String parameters are stored as int32 codes with a dictionary /dims/<param>; they come back
% as categorical arrays. status and reason_code are decoded from their enum_labels attribute
% ("code=label"). Uses only h5read/h5readatt/h5info (no toolbox).
  colnames = h5readatt(path, '/points', 'colnames');
  if ischar(colnames), colnames = cellstr(colnames); end
  T = table();
  for k = 1:numel(colnames)
    name = colnames{k};
    ds = ['/points/' name];
    v = h5read(path, ds);
    v = v(:);
    info = h5info(path, ds);
    attrs = {};
    if ~isempty(info.Attributes), attrs = {info.Attributes.Name}; end
    if any(strcmp(attrs, 'dictionary'))
      words = h5read(path, h5readatt(path, ds, 'dictionary'));
      if ischar(words), words = cellstr(words); end
      v = categorical(double(v), 0:numel(words) - 1, words(:)');
    elseif any(strcmp(attrs, 'enum_labels'))
      labels = h5readatt(path, ds, 'enum_labels');
      if ischar(labels), labels = cellstr(labels); end
      codes = zeros(1, numel(labels));
      names = cell(1, numel(labels));
      for j = 1:numel(labels)
        parts = strsplit(labels{j}, '=');
        codes(j) = str2double(parts{1});
        names{j} = strjoin(parts(2:end), '=');
      end
      v = categorical(double(v), codes, names);
    end
    T.(name) = v;
  end
  T.Properties.UserData = struct( ...
    'spec_sha256', h5readatt(path, '/', 'spec_sha256'), ...
    'engine_version', h5readatt(path, '/', 'engine_version'), ...
    'start_utc', h5readatt(path, '/', 'start_utc'), ...
    'end_utc', h5readatt(path, '/', 'end_utc'));
end
