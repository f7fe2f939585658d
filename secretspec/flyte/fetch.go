package flyte

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Names and places of the managers that fetch secrets in init containers, as Flyte names them.
const (
	// AWSVolume, GCPVolume and AzureVolume are the in-memory volumes fetched files land in.
	AWSVolume   = "aws-secret-vol"
	GCPVolume   = "gcp-secret-vol"
	AzureVolume = "azure-secret-vol"
	// AWSFetcherMountPath is where the AWS fetcher sees the volume: it writes SECRET_FILENAME
	// under /tmp.
	AWSFetcherMountPath = "/tmp"
	// AWSSecretARNVar and AWSSecretFilenameVar tell the AWS fetcher what to fetch and where to
	// write it.
	AWSSecretARNVar      = "SECRET_ARN"
	AWSSecretFilenameVar = "SECRET_FILENAME"
)

var (
	// awsGroup is the ARN of AWS Secrets Manager in a region and account, up to ":secret".
	awsGroup = regexp.MustCompile(`^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:*$`)
	// awsKey is a secret's name (AWS allows letters, digits and /_+=.@-).
	awsKey = regexp.MustCompile(`^:*[A-Za-z0-9/_+=.@-]{1,512}$`)
	// gcpGroup is a GCP secret's id, or its resource name in a project.
	gcpGroup = regexp.MustCompile(`^([A-Za-z0-9_-]{1,255}|projects/[A-Za-z0-9-]{1,63}/secrets/[A-Za-z0-9_-]{1,255})$`)
	// gcpVersion is a version number, "latest" or an alias.
	gcpVersion = regexp.MustCompile(`^[A-Za-z0-9_-]{1,63}$`)
	// azureGroup is a Key Vault secret's URI, https://<vault host>/secrets/<name>.
	azureGroup = regexp.MustCompile(`^https://[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?/secrets/([0-9A-Za-z-]{1,127})/?$`)
	// azureVersion is a Key Vault secret version.
	azureVersion = regexp.MustCompile(`^[0-9A-Za-z-]{1,64}$`)
)

// fetcherVolume is the volume of a fetching manager.
func fetcherVolume(m Manager) string {
	switch m {
	case ManagerAWS:
		return AWSVolume
	case ManagerGCP:
		return GCPVolume
	}
	return AzureVolume
}

// fetch plans the request at p for ManagerAWS, ManagerGCP or ManagerAzure: one fetcher, and the
// file it writes. Every value a fetcher's shell command holds has passed a pattern of letters,
// digits and _ - . / : only, so nothing in a request reaches a shell as code.
func (b *refBuilder) fetch(p *field.Path, s Secret, cfg Config) {
	before := len(b.errs)
	var file string // in the pod
	var c corev1.Container
	switch cfg.SecretManagerType {
	case ManagerAWS:
		file, c = b.awsFetcher(p, s, cfg.AWS)
	case ManagerGCP:
		file, c = b.gcpFetcher(p, s, cfg.GCP)
	case ManagerAzure:
		file, c = b.azureFetcher(p, s, cfg.Azure)
	}
	b.checkEnvVar(p, s)
	b.checkFileDelivery(p, s, string(cfg.SecretManagerType))
	if len(b.errs) > before {
		return
	}
	b.fileVars = true
	c.Name = strings.ToLower(string(cfg.SecretManagerType)) + "-pull-secret-" + requestID(file)
	src := fmt.Sprint(c.Env, c.Command)
	if b.claimFile(file, src, p, p) {
		b.fetchers = append(b.fetchers, c)
	}
	b.pathVar(p, s, file)
}

// awsFetcher is Flyte's AWS fetcher: the ARN group:key, written to <group>/<key> lower-cased.
func (b *refBuilder) awsFetcher(p *field.Path, s Secret, cfg SidecarConfig) (string, corev1.Container) {
	before := len(b.errs)
	if s.Group == "" {
		b.errs = append(b.errs, field.Required(p.Child("group"), "the ARN of AWS Secrets Manager up to :secret, e.g. arn:aws:secretsmanager:us-east-1:123456789012:secret"))
	} else if !awsGroup.MatchString(s.Group) {
		b.errs = append(b.errs, field.Invalid(p.Child("group"), field.OmitValueType{},
			"the ARN of AWS Secrets Manager up to :secret (arn:<partition>:secretsmanager:<region>:<12-digit account>:secret); the key names the secret"))
	}
	filename := "/" + strings.ToLower(s.Group) + "/" + strings.ToLower(s.Key)
	switch {
	case s.Key == "":
		b.errs = append(b.errs, field.Required(p.Child("key"), "the secret's name in AWS Secrets Manager"))
	case !awsKey.MatchString(s.Key):
		b.errs = append(b.errs, field.Invalid(p.Child("key"), field.OmitValueType{},
			"an AWS secret name: letters, digits and / _ + = . @ -"))
	case path.Clean(filename) != filename:
		b.errs = append(b.errs, field.Invalid(p.Child("key"), field.OmitValueType{},
			"the secret's name is also its file's path: no empty, . or .. elements, no trailing /"))
	}
	if len(b.errs) > before {
		return "", corev1.Container{}
	}
	return SecretsDir + filename, corev1.Container{
		Image:        cfg.SidecarImage,
		VolumeMounts: []corev1.VolumeMount{{Name: AWSVolume, MountPath: AWSFetcherMountPath}},
		Env: []corev1.EnvVar{
			{Name: AWSSecretARNVar, Value: strings.TrimRight(s.Group, ":") + ":" + strings.TrimLeft(s.Key, ":")},
			{Name: AWSSecretFilenameVar, Value: filename},
		},
		Resources: *cfg.Resources.DeepCopy(),
	}
}

// gcpFetcher is Flyte's GCP fetcher: gcloud writes version group_version of the secret group to
// <group>/<group_version>, lower-cased.
func (b *refBuilder) gcpFetcher(p *field.Path, s Secret, cfg SidecarConfig) (string, corev1.Container) {
	before := len(b.errs)
	if s.Group == "" {
		b.errs = append(b.errs, field.Required(p.Child("group"), "the GCP secret's id"))
	} else if !gcpGroup.MatchString(s.Group) {
		b.errs = append(b.errs, field.Invalid(p.Child("group"), field.OmitValueType{},
			"a GCP secret id (letters, digits, _ and -) or projects/<project>/secrets/<id>"))
	}
	if s.GroupVersion == "" {
		b.errs = append(b.errs, field.Required(p.Child("group_version"), "the GCP secret's version, a number or latest"))
	} else if !gcpVersion.MatchString(s.GroupVersion) {
		b.errs = append(b.errs, field.Invalid(p.Child("group_version"), field.OmitValueType{},
			"a GCP secret version: a number, latest or an alias (letters, digits, _ and -)"))
	}
	if len(b.errs) > before {
		return "", corev1.Container{}
	}
	dir := strings.ToLower(SecretsDir + "/" + s.Group)
	file := dir + "/" + strings.ToLower(s.GroupVersion)
	script := fmt.Sprintf("gcloud secrets versions access %[1]s/versions/%[2]s --out-file=%[4]s || "+
		"gcloud secrets versions access %[2]s --secret=%[1]s --out-file=%[4]s; chmod +rX %[3]s %[4]s",
		s.Group, s.GroupVersion, dir, file)
	return file, corev1.Container{
		Image:        cfg.SidecarImage,
		Command:      []string{"sh", "-ec", script},
		VolumeMounts: []corev1.VolumeMount{{Name: GCPVolume, MountPath: SecretsDir}},
		Resources:    *cfg.Resources.DeepCopy(),
	}
}

// azureFetcher is Flyte 2's Azure fetcher: az writes the secret at the URI group (version
// group_version, or the latest) to <name> or <name>/<group_version>, lower-cased.
func (b *refBuilder) azureFetcher(p *field.Path, s Secret, cfg SidecarConfig) (string, corev1.Container) {
	before := len(b.errs)
	m := azureGroup.FindStringSubmatch(s.Group)
	if s.Group == "" {
		b.errs = append(b.errs, field.Required(p.Child("group"), "the Key Vault secret's URI, https://<vault>.vault.azure.net/secrets/<name>"))
	} else if m == nil {
		b.errs = append(b.errs, field.Invalid(p.Child("group"), field.OmitValueType{},
			"a Key Vault secret's URI, https://<vault host>/secrets/<name>, the name of letters, digits and -"))
	}
	if s.GroupVersion != "" && !azureVersion.MatchString(s.GroupVersion) {
		b.errs = append(b.errs, field.Invalid(p.Child("group_version"), field.OmitValueType{},
			"a Key Vault secret version: letters, digits and -; empty for the latest"))
	}
	if len(b.errs) > before {
		return "", corev1.Container{}
	}
	uri, name := strings.TrimRight(s.Group, "/"), m[2]
	file, mkdir := strings.ToLower(SecretsDir+"/"+name), ""
	if s.GroupVersion != "" {
		dir := strings.ToLower(SecretsDir + "/" + name)
		file = dir + "/" + strings.ToLower(s.GroupVersion)
		mkdir = "mkdir -p " + dir + "; "
	}
	script := `az login --service-principal -u $AZURE_CLIENT_ID -t $AZURE_TENANT_ID --federated-token "$(cat $AZURE_FEDERATED_TOKEN_FILE)"; ` +
		mkdir + `az keyvault secret show --id "` + uri + "/" + s.GroupVersion + `" --query "value" -o tsv > ` + file
	return file, corev1.Container{
		Image:        cfg.SidecarImage,
		Command:      []string{"sh", "-ec", script},
		VolumeMounts: []corev1.VolumeMount{{Name: AzureVolume, MountPath: SecretsDir}},
		Resources:    *cfg.Resources.DeepCopy(),
	}
}
